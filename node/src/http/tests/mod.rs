//! Tests of the HTTP server, driven through the router without sockets (and once over a
//! loopback listener), against a chain of real blocks and states.

mod bad_input;
mod chain;
mod shapes;
mod streams;

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

use super::router;
use chain::TestChain;

/// The body limit the tests' router runs with.
const MAX_BODY: usize = 64 * 1024;

/// The chain, built once for all tests.
fn chain() -> Arc<TestChain> {
    static CHAIN: OnceLock<Arc<TestChain>> = OnceLock::new();
    CHAIN.get_or_init(|| Arc::new(TestChain::build())).clone()
}

fn app() -> Router {
    router(chain(), MAX_BODY)
}

/// A response, read whole.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "{}: body is not JSON ({error}): {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// Sends one request through the router; a `body` is sent as `application/json`.
async fn call(method: &str, uri: &str, body: Option<&str>) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let request = request
        .body(body.map_or_else(Body::empty, |body| Body::from(body.to_owned())))
        .unwrap();
    let response = app().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

/// `GET uri`, which must answer 200 with JSON.
async fn get_ok(uri: &str) -> Value {
    let reply = call("GET", uri, None).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "GET {uri}: {}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()
}

/// The `data` of `GET uri`.
async fn get_data(uri: &str) -> Value {
    let body = get_ok(uri).await;
    assert!(body.get("data").is_some(), "GET {uri}: no `data` in {body}");
    body["data"].clone()
}

/// Asserts that `value` is an object with exactly `fields`.
#[track_caller]
fn assert_fields(value: &Value, fields: &[&str]) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"));
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = fields.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected, "in {value}");
}

/// Asserts that `value` is a quoted unsigned integer, and returns it.
#[track_caller]
fn quoted(value: &Value) -> u64 {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"))
        .parse()
        .unwrap_or_else(|_| panic!("not a quoted integer: {value}"))
}

/// Asserts that `value` is `0x` hex of `length` bytes.
#[track_caller]
fn hex_of(value: &Value, length: usize) -> String {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    let digits = text
        .strip_prefix("0x")
        .unwrap_or_else(|| panic!("no 0x: {text}"));
    assert_eq!(hex::decode(digits).unwrap().len(), length, "{text}");
    text.to_owned()
}
