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

impl Default for LookupHash {
    fn default() -> Self {
        LookupHash { key: RandomState::new().hash_one(0x636f_7273_u64) }
    }
}

impl BuildHasher for LookupHash {
    type Hasher = WordHasher;

    fn build_hasher(&self) -> WordHasher {
        WordHasher { state: self.key }
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
            word.copy_from_slice(chunk);
            state = mix(state, u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            state = mix(state, u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
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
    fn similar_keys_spread_over_buckets() {
        let build = LookupHash::default();
        let low: HashSet<u64> =
            (0..4096).map(|i| build.hash_one(format!("https://h{i}.example.com").as_bytes()) & 4095).collect();
        // A uniform hash fills about 63% of 4096 buckets with 4096 keys.
        assert!(low.len() > 2300, "only {} of 4096 buckets used", low.len());
    }
}
