//! RFC 3492 Punycode encoding, used only to spell out the fix for a non-ASCII host in a policy
//! (`https://bücher.example` → `https://xn--bcher-kva.example`). A browser always sends the
//! ASCII form in `Origin`.

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

// RFC 3492, section 6.1, "Bias adaptation function".
fn adapt(delta: u32, num_points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / num_points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

fn digit(d: u32) -> char {
    // d < 36 by construction of the encoder.
    let d = d as u8;
    char::from(if d < 26 { b'a' + d } else { b'0' + d - 26 })
}

/// RFC 3492, section 6.3, "Encoding procedure". `None` on overflow (labels far longer than DNS allows).
fn encode_label(label: &str) -> Option<String> {
    let input: Vec<u32> = label.chars().map(u32::from).collect();
    let mut output: String = label.chars().filter(char::is_ascii).collect();
    let basic = u32::try_from(output.len()).ok()?;
    let mut handled = basic;
    if basic > 0 {
        output.push('-');
    }
    let (mut n, mut delta, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let total = u32::try_from(input.len()).ok()?;
    while handled < total {
        let m = input.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &input {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    output.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    Some(output)
}

/// The ASCII form of a host: each non-ASCII label lowercased and written as `xn--` Punycode.
pub(crate) fn to_ascii_host(host: &str) -> Option<String> {
    let labels: Option<Vec<String>> = host
        .split('.')
        .map(|label| {
            if label.is_ascii() {
                Some(label.to_ascii_lowercase())
            } else {
                encode_label(&label.to_lowercase()).map(|l| format!("xn--{l}"))
            }
        })
        .collect();
    labels.map(|l| l.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 3492, section 7.1 sample strings and well-known IDNs.
    #[test]
    fn encodes_known_labels() {
        assert_eq!(to_ascii_host("bücher.example").as_deref(), Some("xn--bcher-kva.example"));
        assert_eq!(to_ascii_host("MÜNCHEN.de").as_deref(), Some("xn--mnchen-3ya.de"));
        assert_eq!(to_ascii_host("例え.テスト").as_deref(), Some("xn--r8jz45g.xn--zckzah"));
        assert_eq!(to_ascii_host("аpple.com").as_deref(), Some("xn--pple-43d.com"));
    }
}
