//! The catalogue of configuration mistakes (filled below).
