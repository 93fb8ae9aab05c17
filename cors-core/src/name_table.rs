//! The allowed request-header names, as a table of fingerprints: a requested name is found with
//! two multiplies and, almost always, one comparison of three integers, instead of hashing its
//! bytes or scanning the list.

use crate::lookup_hash::{load_word, random_key};

/// An odd constant with well-spread bits (2^64 / golden ratio).
const K: u64 = 0x9e37_79b9_7f4a_7c15;

/// A name's length and its first and last eight bytes (zero-padded): equal for equal names, and
/// for names of up to 16 bytes only for equal names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fingerprint {
    len: usize,
    head: u64,
    tail: u64,
}

impl Fingerprint {
    #[inline(always)]
    fn of(name: &[u8]) -> Self {
        if name.len() <= 8 {
            // Head and tail are the same bytes: one load.
            let word = load_word(name);
            return Fingerprint { len: name.len(), head: word, tail: word };
        }
        Fingerprint { len: name.len(), head: load_word(name), tail: load_word(&name[name.len() - 8..]) }
    }
}

/// A name's fingerprint, and the whole name (compared only for names longer than 16 bytes).
type Entry = (Fingerprint, Box<[u8]>);

/// Open addressing with linear probing, at most half full, so every probe ends at an empty slot.
/// Keyed per table: the configuration fills it and requests only read it, so the longest probe
/// is fixed when the policy is built, whatever names a request sends.
#[derive(Debug)]
pub(crate) struct NameTable {
    slots: Box<[Option<Entry>]>,
    key: u64,
    /// `64 - log2(slots.len())`: the hash's top bits pick the slot.
    shift: u32,
}

impl NameTable {
    /// A table of `names`, each lowercase; duplicates are kept once.
    pub(crate) fn new<'n>(names: impl ExactSizeIterator<Item = &'n [u8]>) -> Self {
        let size = (names.len() * 2).next_power_of_two().max(4);
        let slots = (0..size).map(|_| None).collect();
        let mut table = NameTable { slots, key: random_key(), shift: 64 - size.trailing_zeros() };
        for name in names {
            if !table.contains(name) {
                let print = Fingerprint::of(name);
                let mut i = table.slot(&print);
                while table.slots[i].is_some() {
                    i = (i + 1) & (size - 1);
                }
                table.slots[i] = Some((print, name.into()));
            }
        }
        table
    }

    #[inline(always)]
    fn slot(&self, print: &Fingerprint) -> usize {
        let x = (print.head ^ self.key).wrapping_mul(K) ^ print.tail ^ print.len as u64;
        // The shift leaves fewer bits than the table has slots: the index is in range.
        (x.wrapping_mul(K) >> self.shift) as usize
    }

    /// Whether `name` (lowercase) is in the table. Inlined into the one loop that asks.
    #[inline(always)]
    pub(crate) fn contains(&self, name: &[u8]) -> bool {
        let print = Fingerprint::of(name);
        let mask = self.slots.len() - 1;
        let mut i = self.slot(&print);
        while let Some((p, full)) = &self.slots[i] {
            // Names of up to 16 bytes are equal when their fingerprints are.
            if *p == print && (name.len() <= 16 || **full == *name) {
                return true;
            }
            i = (i + 1) & mask;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exactly_the_names_it_holds() {
        let names: Vec<String> = (0..100).map(|i| format!("x-header-{i}")).collect();
        for n in [0, 1, 2, 3, 10, 16, 17, 100] {
            let table = NameTable::new(names[..n].iter().map(|s| s.as_bytes()));
            for (i, name) in names.iter().enumerate() {
                assert_eq!(table.contains(name.as_bytes()), i < n, "{name} in a table of {n}");
            }
            // Prefixes, longer names with the same ends, and zero padding are told apart.
            assert!(!table.contains(b"x-header-"));
            assert!(!table.contains(b"x-header-1\0"));
            assert!(!table.contains(b"x-header-0-and-then-more-x-header-0"));
        }
        let long =
            NameTable::new([&b"x-a-very-long-header-name-one"[..], b"x-a-very-long-header-name-two"].into_iter());
        assert!(long.contains(b"x-a-very-long-header-name-two"));
        // Same length, same first and last eight bytes: only the whole name tells them apart.
        assert!(!long.contains(b"x-a-very-XXXX-header-name-two"));
        let dup = NameTable::new([&b"a"[..], b"a", b"b"].into_iter());
        assert!(dup.contains(b"a") && dup.contains(b"b") && !dup.contains(b"c"));
    }
}
