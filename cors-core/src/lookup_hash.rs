//! The hash of the policy's lookup tables (exact origins, allowed header names): a word at a time,
//! keyed per table from the standard library's random state.
//!
//! The tables are built from the configuration and only read per request, so a request cannot
//! add colliding keys: the longest probe a lookup can take is fixed by the configuration, whatever
//! the bytes it looks up. That leaves no flooding to defend against with SipHash, which cost more
//! than the rest of an allowed actual request's decision (about 150 of 800 instructions).

use std::hash::{BuildHasher, Hasher, RandomState};

/// An odd constant with well-spread bits (2^64 / golden ratio).
const K: u64 = 0x9e37_79b9_7f4a_7c15;

/// Builds [`WordHasher`]s with one random key per table.
#[derive(Clone, Debug)]
pub(crate) struct LookupHash {
    key: u64,
}

/// A random key for one table, from the standard library's per-process random state.
pub(crate) fn random_key() -> u64 {
    RandomState::new().hash_one(0x636f_7273_u64)
}

impl Default for LookupHash {
    fn default() -> Self {
        LookupHash { key: random_key() }
    }
}

impl BuildHasher for LookupHash {
    type Hasher = WordHasher;

    fn build_hasher(&self) -> WordHasher {
        WordHasher { state: self.key }
    }
}

/// Up to eight bytes as a little-endian word, zero-padded: what copying them into a zeroed
/// `[u8; 8]` gives, without the call to `memcpy` a copy of variable length compiles to (a tenth of
/// an origin lookup). Two overlapping loads of four bytes, or three single bytes, OR-ed together.
pub(crate) fn load_word(bytes: &[u8]) -> u64 {
    let n = bytes.len().min(8);
    let b = &bytes[..n];
    if n >= 4 {
        let lo = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let hi = u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]);
        u64::from(lo) | (u64::from(hi) << ((n - 4) * 8))
    } else if n > 0 {
        u64::from(b[0]) | (u64::from(b[n / 2]) << (n / 2 * 8)) | (u64::from(b[n - 1]) << ((n - 1) * 8))
    } else {
        0
    }
}

/// Eight bytes per multiply; short keys (header names, origins) take two to four.
pub(crate) struct WordHasher {
    state: u64,
}

fn mix(state: u64, word: u64) -> u64 {
    (state ^ word).wrapping_mul(K).rotate_left(31)
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut state = self.state;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk); // a fixed length: one load
            state = mix(state, u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            state = mix(state, load_word(rest) ^ ((rest.len() as u64) << 59));
        }
        self.state = state;
    }

    fn write_usize(&mut self, n: usize) {
        self.state = mix(self.state, n as u64);
    }

    fn finish(&self) -> u64 {
        // Spread the high bits into the low ones, which pick the bucket.
        let h = (self.state ^ (self.state >> 32)).wrapping_mul(K);
        h ^ (h >> 29)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;

    #[test]
    fn equal_keys_hash_equally_and_lookups_work() {
        let build = LookupHash::default();
        assert_eq!(
            build.hash_one(b"https://app.example.com".as_slice()),
            build.hash_one(b"https://app.example.com".as_slice())
        );
        let mut map: HashMap<Box<[u8]>, usize, LookupHash> = HashMap::default();
        for i in 0..10_000 {
            map.insert(format!("https://h{i}.example.com").into_bytes().into(), i);
        }
        assert_eq!(map.get(b"https://h9999.example.com".as_slice()), Some(&9999));
        assert_eq!(map.get(b"https://h10000.example.com".as_slice()), None);
        // Prefixes and zero padding are told apart.
        assert_ne!(build.hash_one(b"ab".as_slice()), build.hash_one(b"ab\0".as_slice()));
    }

    #[test]
    fn load_word_is_the_zero_padded_little_endian_word() {
        let bytes = b"0123456789abcdef";
        for start in 0..8 {
            for len in 0..=8 {
                let slice = &bytes[start..start + len];
                let mut word = [0u8; 8];
                word[..len].copy_from_slice(slice);
                assert_eq!(load_word(slice), u64::from_le_bytes(word), "{slice:?}");
            }
        }
        // Longer input: its first eight bytes.
        assert_eq!(load_word(bytes), u64::from_le_bytes(*b"01234567"));
    }

    #[test]
    fn similar_keys_spread_over_buckets() {
        let build = LookupHash::default();
        let low: HashSet<u64> =
            (0..4096).map(|i| build.hash_one(format!("https://h{i}.example.com").as_bytes()) & 4095).collect();
        // A uniform hash fills about 63% of 4096 buckets with 4096 keys.
        assert!(low.len() > 2300, "only {} of 4096 buckets used", low.len());
    }
}
