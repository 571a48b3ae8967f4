//! The Beacon API error body: `{"code": <HTTP status>, "message": "..."}`.

use serde::Serialize;

/// A request the API refuses or cannot answer, with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// The HTTP status code, repeated in the body as the API specifies.
    pub code: u16,
    /// What is wrong, for a person to read.
    pub message: String,
}

impl ApiError {
    /// `400 Bad Request`: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            code: 400,
            message: message.into(),
        }
    }

    /// `404 Not Found`: the identified object does not exist here.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            code: 404,
            message: message.into(),
        }
    }

    /// `413 Payload Too Large`.
    pub fn payload_too_large(limit: usize) -> Self {
        Self {
            code: 413,
            message: format!("request body larger than {limit} bytes"),
        }
    }

    /// `415 Unsupported Media Type`.
    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self {
            code: 415,
            message: message.into(),
        }
    }

    /// `503 Service Unavailable`: the node cannot answer yet (syncing, before genesis).
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self {
            code: 503,
            message: message.into(),
        }
    }

    /// `500 Internal Server Error`: the node failed; the request may be fine.
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            code: 500,
            message: message.into(),
        }
    }
}
