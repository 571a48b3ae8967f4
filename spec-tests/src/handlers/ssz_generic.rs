//! The `ssz_generic` runner.

use crate::Handler;

/// The handlers of this runner.
pub static HANDLERS: &[Handler] = &[];
