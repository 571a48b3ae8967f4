//! Errors as HTTP responses: every refusal is a JSON `{"code", "message"}` body, including
//! axum's own rejections (bad JSON, wrong content type, oversized body, bad path or query),
//! unknown paths, wrong methods and handler panics.

use std::any::Any;

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::backend::ItemFailure;
use crate::api::ApiError;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self)).into_response()
    }
}

/// `IndexedErrorMessage`: a 400 naming each refused item of a submitted list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexedErrorMessage {
    /// Always 400.
    pub code: u16,
    /// A summary.
    pub message: String,
    /// The refused items.
    pub failures: Vec<ItemFailure>,
}

impl IntoResponse for IndexedErrorMessage {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, Json(self)).into_response()
    }
}

/// The status and text of an axum rejection, as an [`ApiError`].
fn rejection(status: StatusCode, text: String) -> ApiError {
    ApiError {
        code: status.as_u16(),
        message: text,
    }
}

impl From<JsonRejection> for ApiError {
    fn from(error: JsonRejection) -> Self {
        // Malformed and mistyped JSON alike are a 400, as the Beacon API answers them.
        let status = match &error {
            JsonRejection::JsonDataError(_) | JsonRejection::JsonSyntaxError(_) => {
                StatusCode::BAD_REQUEST
            }
            _ => error.status(),
        };
        let text = match &error {
            JsonRejection::MissingJsonContentType(_) => {
                String::from("expected a request with `Content-Type: application/json`")
            }
            JsonRejection::BytesRejection(bytes) => body_text(bytes),
            _ => format!("invalid JSON body: {}", error.body_text()),
        };
        rejection(status, text)
    }
}

impl From<BytesRejection> for ApiError {
    fn from(error: BytesRejection) -> Self {
        rejection(error.status(), body_text(&error))
    }
}

fn body_text(error: &BytesRejection) -> String {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        String::from("request body too large")
    } else {
        format!("cannot read the request body: {}", error.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(error: PathRejection) -> Self {
        // A path that matched a route but whose parameters do not decode is the client's.
        let status = if error.status().is_server_error() {
            StatusCode::BAD_REQUEST
        } else {
            error.status()
        };
        rejection(status, format!("invalid path: {}", error.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(error: QueryRejection) -> Self {
        rejection(
            StatusCode::BAD_REQUEST,
            format!("invalid query string: {}", error.body_text()),
        )
    }
}

/// The answer to a path no route matches.
pub(super) async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint")
}

/// The answer to a route called with a method it does not serve.
pub(super) async fn method_not_allowed() -> ApiError {
    ApiError {
        code: 405,
        message: String::from("method not allowed on this endpoint"),
    }
}

/// The answer when a handler panicked: a 500 with a JSON body, the connection kept.
pub(super) fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown cause");
    let mut response =
        ApiError::internal(format!("the request handler failed: {detail}")).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}
