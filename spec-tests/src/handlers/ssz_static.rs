//! The `ssz_static` runner.

use crate::Handler;

/// The handlers of this runner.
pub static HANDLERS: &[Handler] = &[];
