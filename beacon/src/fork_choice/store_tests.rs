//! Tests of the fork-choice store.
