//! Criterion benchmarks of shardnet; see `benches/`.
