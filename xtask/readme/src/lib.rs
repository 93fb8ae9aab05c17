//! The workspace README's Rust blocks as doc tests: `cargo test -p readme-doctests --doc`. A
//! README example that stops compiling, or whose assertions fail, fails the workspace's tests.
#![forbid(unsafe_code)]
#![doc = include_str!("../../../README.md")]
