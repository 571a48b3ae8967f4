//! `process_rewards_and_penalties` (to be written).
