//! JSON-RPC errors with their EIP-1474 codes.

/// Why a request failed; each maps to one JSON-RPC error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RpcError {
    /// The body is not JSON (`-32700`).
    #[error("parse error: {0}")]
    Parse(String),
    /// The JSON is not a JSON-RPC 2.0 request (`-32600`).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// No such method (`-32601`).
    #[error("the method {0} does not exist/is not available")]
    MethodNotFound(String),
    /// The parameters are missing, extra or malformed (`-32602`).
    #[error("invalid params: {0}")]
    InvalidParams(String),
    /// The transaction was refused by validation or the pool (`-32003`, as EIP-1474's
    /// "transaction rejected"); the message says why, as geth words it where it can.
    #[error("{0}")]
    TransactionRejected(String),
    /// The requested block or state is not available (`-32001`, "resource not found").
    #[error("{0}")]
    ResourceNotFound(String),
    /// The node failed (`-32603`).
    #[error("internal error: {0}")]
    Internal(String),
}

impl RpcError {
    /// The JSON-RPC error code.
    pub fn code(&self) -> i64 {
        match self {
            Self::Parse(_) => -32700,
            Self::InvalidRequest(_) => -32600,
            Self::MethodNotFound(_) => -32601,
            Self::InvalidParams(_) => -32602,
            Self::TransactionRejected(_) => -32003,
            Self::ResourceNotFound(_) => -32001,
            Self::Internal(_) => -32603,
        }
    }
}
