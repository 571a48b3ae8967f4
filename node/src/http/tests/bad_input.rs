//! Bad input on every endpoint gets a 4xx with a `{"code", "message"}` body: malformed JSON,
//! wrong hex, unknown ids, out-of-range numbers, oversized bodies, unknown shards, unknown
//! paths and wrong methods.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;
use tower::ServiceExt;

use super::{MAX_BODY, app, call, chain};

/// `(method, uri, body, expected status)`.
type Case = (&'static str, String, Option<String>, u16);

fn get(uri: impl Into<String>, status: u16) -> Case {
    ("GET", uri.into(), None, status)
}

fn post(uri: impl Into<String>, body: impl Into<String>, status: u16) -> Case {
    ("POST", uri.into(), Some(body.into()), status)
}

fn cases() -> Vec<Case> {
    let unknown_root = format!("0x{}", "ab".repeat(32));
    let too_many_ids = (0..31).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let active = chain().active_shards();
    let untracked = active - 1;
    let other_home = format!("0x{:016x}{}", 1, "00".repeat(12));
    let exit = json!({
        "message": { "epoch": "0", "validator_index": "1" },
        "signature": format!("0x{}", "00".repeat(96)),
    });
    vec![
        // state ids
        get("/eth/v1/beacon/states/latest/root", 400),
        get("/eth/v1/beacon/states/0xzz/root", 400),
        get("/eth/v1/beacon/states/0x12/fork", 400),
        get("/eth/v1/beacon/states/-1/fork", 400),
        get(
            "/eth/v1/beacon/states/18446744073709551616/finality_checkpoints",
            400,
        ),
        get("/eth/v1/beacon/states/999/root", 404),
        get("/eth/v1/beacon/states/%FF%FE/root", 400),
        get(format!("/eth/v1/beacon/states/{unknown_root}/root"), 404),
        get(
            format!("/eth/v1/beacon/states/{unknown_root}/validators"),
            404,
        ),
        // validators, balances, committees
        get("/eth/v1/beacon/states/head/validators?id=x", 400),
        get("/eth/v1/beacon/states/head/validators?id=%FF", 400),
        get("/eth/v1/beacon/states/head/validators?id=1,,2", 400),
        get(
            format!("/eth/v1/beacon/states/head/validators?id={too_many_ids}"),
            400,
        ),
        get("/eth/v1/beacon/states/head/validators?status=asleep", 400),
        get("/eth/v1/beacon/states/head/validators?colour=red", 400),
        get("/eth/v1/beacon/states/head/validators/999999", 404),
        get("/eth/v1/beacon/states/head/validators/0x00", 400),
        get(
            format!(
                "/eth/v1/beacon/states/head/validators/0x{}",
                "a0".repeat(48)
            ),
            404,
        ),
        get("/eth/v1/beacon/states/head/validator_balances?id=-1", 400),
        get("/eth/v1/beacon/states/head/committees?epoch=abc", 400),
        get("/eth/v1/beacon/states/head/committees?epoch=5", 400),
        get("/eth/v1/beacon/states/head/committees?slot=1", 400),
        get("/eth/v1/beacon/states/head/committees?index=99", 400),
        get("/eth/v1/beacon/states/head/committees?epoch=1&epoch=1", 400),
        // headers and blocks
        get("/eth/v1/beacon/headers?slot=-1", 400),
        get("/eth/v1/beacon/headers?parent_root=0x12", 400),
        get("/eth/v1/beacon/headers/justified", 400),
        get("/eth/v1/beacon/headers/999", 404),
        get("/eth/v1/beacon/blocks/999", 404),
        get(format!("/eth/v1/beacon/blocks/{unknown_root}/root"), 404),
        get("/eth/v1/beacon/blocks/abc/attestations", 400),
        post("/eth/v1/beacon/blocks", "{", 400),
        post("/eth/v1/beacon/blocks", "{}", 400),
        post("/eth/v1/beacon/blocks", "[1, 2]", 400),
        // pool
        get("/eth/v1/beacon/pool/attestations?slot=x", 400),
        get(
            "/eth/v1/beacon/pool/attestations?committee_index=99999999999999999999",
            400,
        ),
        post("/eth/v1/beacon/pool/attestations", "[]", 400),
        post("/eth/v1/beacon/pool/attestations", r#"{"a": 1}"#, 400),
        post(
            "/eth/v1/beacon/pool/attestations",
            r#"[{"aggregation_bits": "0xzz"}]"#,
            400,
        ),
        post(
            "/eth/v1/beacon/pool/voluntary_exits",
            r#"{"message": 1}"#,
            400,
        ),
        post("/eth/v1/beacon/pool/voluntary_exits", exit.to_string(), 400),
        post("/eth/v1/beacon/pool/proposer_slashings", "null", 400),
        post("/eth/v1/beacon/pool/attester_slashings", "[1]", 400),
        // duties
        post("/eth/v1/validator/duties/attester/abc", r#"["1"]"#, 400),
        post("/eth/v1/validator/duties/attester/-1", r#"["1"]"#, 400),
        post("/eth/v1/validator/duties/attester/99", r#"["1"]"#, 400),
        post("/eth/v1/validator/duties/attester/1", "[]", 400),
        post("/eth/v1/validator/duties/attester/1", r#"["x"]"#, 400),
        post("/eth/v1/validator/duties/attester/1", r#"[true]"#, 400),
        post("/eth/v1/validator/duties/attester/1", r#"["1000"]"#, 400),
        post("/eth/v1/validator/duties/attester/1", r#"{"a": 1}"#, 400),
        get("/eth/v1/validator/duties/proposer/5", 400),
        get(
            "/eth/v1/validator/duties/proposer/18446744073709551615",
            400,
        ),
        get("/eth/v1/validator/duties/proposer/x", 400),
        // events
        get("/eth/v1/events", 400),
        get("/eth/v1/events?topics=weather_forecast", 400),
        get("/eth/v1/events?topics=head,", 400),
        // keymanager
        post(
            "/eth/v1/keystores",
            r#"{"keystores": ["x"], "passwords": []}"#,
            400,
        ),
        post(
            "/eth/v1/keystores",
            r#"{"keystores": ["{}"], "passwords": ["p"]}"#,
            400,
        ),
        post(
            "/eth/v1/keystores",
            r#"{"keystores": [], "passwords": [], "slashing_protection": "{"}"#,
            400,
        ),
        post(
            "/eth/v1/keystores",
            r#"{"keystores": [], "passwords": [], "extra": 1}"#,
            400,
        ),
        (
            "DELETE",
            "/eth/v1/keystores".into(),
            Some(r#"{"pubkeys": ["0x12"]}"#.into()),
            400,
        ),
        ("DELETE", "/eth/v1/keystores".into(), Some("{".into()), 400),
        // shards
        get("/shardnet/v1/shards/x/head", 400),
        get("/shardnet/v1/shards/99/head", 404),
        get(format!("/shardnet/v1/shards/{untracked}/head"), 404),
        get("/shardnet/v1/shards/0/blocks?count=0", 400),
        get("/shardnet/v1/shards/0/blocks?count=65", 400),
        get(
            "/shardnet/v1/shards/0/blocks?start_slot=18446744073709551615&count=2",
            400,
        ),
        get("/shardnet/v1/shards/0/blocks/xyz", 400),
        get(format!("/shardnet/v1/shards/0/blocks/{unknown_root}"), 404),
        get("/shardnet/v1/shards/0/blocks/999", 404),
        get("/shardnet/v1/shards/0/crosslinks/extra", 404),
        get("/shardnet/v1/shards/x/crosslinks", 400),
        get("/shardnet/v1/shards/99/crosslinks", 404),
        get("/shardnet/v1/shards/18446744073709551616/crosslinks", 400),
        get("/shardnet/v1/shards/0/accounts/0x12", 400),
        get("/shardnet/v1/shards/0/accounts/zz", 400),
        get(format!("/shardnet/v1/shards/0/accounts/{other_home}"), 400),
        get("/shardnet/v1/shards/0/receipts/0x12", 400),
        get(
            format!("/shardnet/v1/shards/0/receipts/0x{}", "22".repeat(32)),
            404,
        ),
        get(
            format!(
                "/shardnet/v1/shards/{untracked}/receipts/0x{}",
                "22".repeat(32)
            ),
            404,
        ),
        post("/shardnet/v1/shards/0/rpc", "not json", 400),
        post(
            "/shardnet/v1/shards/0/rpc",
            r#"{"jsonrpc": "1.0", "id": 1, "method": "eth_chainId"}"#,
            400,
        ),
        post(
            "/rpc/99",
            r#"{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}"#,
            404,
        ),
        post(
            "/rpc/abc",
            r#"{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}"#,
            400,
        ),
        // routing
        get("/nope", 404),
        get("/eth/v1/beacon/states/head", 404),
        ("DELETE", "/eth/v1/node/version".into(), None, 405),
        post("/eth/v1/beacon/genesis", "{}", 405),
        get("/eth/v1/beacon/blocks", 405),
        post("/metrics", "{}", 405),
        post("/eth/v1/node/health", "{}", 405),
        post("/eth/v1/config/spec", "{}", 405),
        ("PUT", "/eth/v1/keystores".into(), Some("{}".into()), 405),
    ]
}

#[tokio::test]
async fn every_endpoint_refuses_bad_input_with_a_json_error() {
    let mut failures = Vec::new();
    for (method, uri, body, expected) in cases() {
        let reply = call(method, &uri, body.as_deref()).await;
        let parsed: Option<serde_json::Value> = serde_json::from_slice(&reply.body).ok();
        let well_formed = parsed.as_ref().is_some_and(|body| {
            let code = body
                .get("code")
                .and_then(serde_json::Value::as_u64)
                // The JSON-RPC endpoints answer in JSON-RPC's own error shape.
                .or_else(|| body.get("error").map(|_| u64::from(expected)));
            let message = body
                .get("message")
                .or_else(|| body.get("error").and_then(|error| error.get("message")))
                .and_then(serde_json::Value::as_str);
            code == Some(u64::from(reply.status.as_u16())) && message.is_some_and(|m| !m.is_empty())
        });
        if reply.status.as_u16() != expected || !well_formed {
            failures.push(format!(
                "{method} {uri}: {} {}",
                reply.status,
                String::from_utf8_lossy(&reply.body)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let big = format!("[\"{}\"]", "1".repeat(MAX_BODY));
    for uri in [
        "/eth/v1/beacon/blocks",
        "/eth/v1/beacon/pool/attestations",
        "/eth/v1/validator/duties/attester/1",
        "/eth/v1/keystores",
        "/shardnet/v1/shards/0/rpc",
        "/rpc/0",
    ] {
        let reply = call("POST", uri, Some(&big)).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        let body = reply.json();
        assert_eq!(body["code"], json!(413), "{uri}");
        assert!(body["message"].as_str().unwrap().contains("too large"));
    }
}

#[tokio::test]
async fn a_body_without_json_content_type_gets_415() {
    let request = Request::builder()
        .method("POST")
        .uri("/eth/v1/beacon/pool/attestations")
        .header("content-type", "text/plain")
        .body(Body::from("[]"))
        .unwrap();
    let response = app().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["code"], json!(415));
}

async fn boom() -> StatusCode {
    panic!("the handler broke")
}

#[tokio::test]
async fn a_panicking_handler_answers_500_with_a_json_body() {
    let app = axum::Router::new()
        .route("/boom", axum::routing::get(boom))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            crate::http::error::panic_response,
        ));
    let request = Request::builder().uri("/boom").body(Body::empty()).unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["code"], json!(500));
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("the handler broke")
    );
}
