//! Benchmarks only: see `benches/native.rs` and `cargo xtask bench`.
