//! Errors of the store: the database failed, or bytes read back do not decode.

/// What can go wrong reading or writing the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database engine failed (I/O, a corrupted file, a lock held by another process).
    #[error("database error: {0}")]
    Database(#[from] redb::Error),
    /// Reading the size of the database file failed.
    #[error("database file error: {0}")]
    Io(#[from] std::io::Error),
    /// Bytes stored under a key do not decode as the type the key promises.
    #[error("stored {what} under key 0x{key} does not decode: {reason}")]
    Decode {
        /// The kind of item (`"beacon block"`, `"fork-choice anchor"`, ...).
        what: &'static str,
        /// The key, hex-encoded.
        key: String,
        /// The decoder's complaint.
        reason: String,
    },
    /// A key of the wrong length for its column: a caller bug, refused before anything is
    /// written.
    #[error("key of {len} bytes for column {column}, which takes {expected}")]
    InvalidKey {
        /// The column's table name.
        column: &'static str,
        /// The key's length.
        len: usize,
        /// The length the column takes.
        expected: usize,
    },
}

impl StoreError {
    /// Wraps any of redb's error types.
    pub(crate) fn db(error: impl Into<redb::Error>) -> Self {
        Self::Database(error.into())
    }

    /// A decoding failure of `what` stored under `key`.
    pub(crate) fn decode(what: &'static str, key: &[u8], reason: impl std::fmt::Debug) -> Self {
        Self::Decode {
            what,
            key: hex_string(key),
            reason: format!("{reason:?}"),
        }
    }
}

/// Lower-case hex of `bytes`, without a prefix.
pub(crate) fn hex_string(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(
        String::with_capacity(bytes.len().saturating_mul(2)),
        |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        },
    )
}
