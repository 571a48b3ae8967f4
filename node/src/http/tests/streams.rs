//! Server-sent events, the JSON-RPC mount, the Keymanager API round trip, and the server on a
//! loopback socket.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use futures_util::StreamExt;
use primitives::bls::interop_secret_key;
use primitives::bls::keystore::{EncryptOptions, KdfSettings, Keystore};
use primitives::types::Root;
use serde_json::json;
use storage::slashing_protection::Interchange;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

use super::{app, call, chain};
use crate::http::backend::{BlockEvent, Event, FinalizedCheckpointEvent};
use crate::http::{router, serve};

#[tokio::test]
async fn events_stream_the_chosen_topics() {
    let chain = chain();
    let request = Request::builder()
        .uri("/eth/v1/events?topics=block,finalized_checkpoint")
        .body(Body::empty())
        .unwrap();
    let response = app().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    // Subscribed when the handler ran: events sent now reach the stream.
    let attestation = chain.pool.attestations[0].clone();
    chain
        .events
        .send(Event::Attestation(Box::new(attestation)))
        .unwrap();
    chain
        .events
        .send(Event::Block(BlockEvent {
            slot: 11,
            block: Root::repeat_byte(7),
        }))
        .unwrap();
    chain
        .events
        .send(Event::FinalizedCheckpoint(FinalizedCheckpointEvent {
            block: Root::repeat_byte(8),
            state: Root::repeat_byte(9),
            epoch: 2,
        }))
        .unwrap();
    let mut stream = response.into_body().into_data_stream();
    let mut text = String::new();
    while !text.contains("event: finalized_checkpoint") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("an event within 10 s")
            .expect("the stream stays open")
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(!text.contains("event: attestation"), "{text}");
    let block_data = text
        .lines()
        .skip_while(|line| *line != "event: block")
        .nth(1)
        .and_then(|line| line.strip_prefix("data: "))
        .unwrap_or_else(|| panic!("no block event data in {text}"));
    let block: serde_json::Value = serde_json::from_str(block_data).unwrap();
    assert_eq!(
        block,
        json!({ "slot": "11", "block": Root::repeat_byte(7) })
    );
    assert!(text.contains(r#""epoch":"2""#), "{text}");
}

#[tokio::test]
async fn json_rpc_is_mounted_per_shard() {
    let chain = chain();
    let request = r#"{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}"#;
    for (uri, shard) in [
        ("/rpc/0", 0u64),
        ("/shardnet/v1/shards/0/rpc", 0),
        ("/shardnet/v1/shards/1/rpc", 1),
    ] {
        let reply = call("POST", uri, Some(request)).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        let chain_id = chain.config.base_chain_id + shard;
        assert_eq!(
            reply.json()["result"],
            json!(format!("{chain_id:#x}")),
            "{uri}"
        );
    }
    // An invalid transaction is refused with the reason, in JSON-RPC's error shape.
    let reply = call(
        "POST",
        "/rpc/0",
        Some(r#"{"jsonrpc": "2.0", "id": 2, "method": "eth_sendRawTransaction", "params": ["0x1234"]}"#),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["error"]["code"], json!(-32003));
    assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    // A notification gets no body.
    let reply = call(
        "POST",
        "/rpc/0",
        Some(r#"{"jsonrpc": "2.0", "method": "eth_chainId"}"#),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(reply.body.is_empty());
}

#[tokio::test]
async fn keystores_are_imported_listed_and_deleted() {
    let chain = chain();
    let options = EncryptOptions::default().with_kdf(KdfSettings::Pbkdf2 { c: 16 });
    let key = interop_secret_key(100).unwrap();
    let keystore = Keystore::encrypt(&key, "correct horse", None, &options).unwrap();
    let other =
        Keystore::encrypt(&interop_secret_key(101).unwrap(), "right", None, &options).unwrap();
    let interchange = Interchange::empty(chain.genesis.validators_root)
        .to_json_string()
        .unwrap();
    let import = json!({
        "keystores": [keystore.to_json().unwrap(), other.to_json().unwrap()],
        "passwords": ["correct horse", "wrong"],
        "slashing_protection": interchange,
    });
    let reply = call("POST", "/eth/v1/keystores", Some(&import.to_string())).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let outcomes = reply.json()["data"].clone();
    assert_eq!(outcomes[0], json!({ "status": "imported" }));
    assert_eq!(outcomes[1]["status"], json!("error"));
    assert!(!outcomes[1]["message"].as_str().unwrap().is_empty());

    let again = call("POST", "/eth/v1/keystores", Some(&import.to_string())).await;
    assert_eq!(again.json()["data"][0]["status"], json!("duplicate"));

    let pubkey = serde_json::to_value(keystore.pubkey()).unwrap();
    let listed = call("GET", "/eth/v1/keystores", None).await.json();
    let entry = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["validating_pubkey"] == pubkey)
        .expect("the imported key is listed")
        .clone();
    assert_eq!(entry["readonly"], json!(false));
    assert!(entry.get("derivation_path").is_some());

    let delete = json!({ "pubkeys": [pubkey, format!("0x{}", "a0".repeat(48))] });
    let reply = call("DELETE", "/eth/v1/keystores", Some(&delete.to_string())).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let body = reply.json();
    assert_eq!(body["data"][0]["status"], json!("deleted"));
    assert_eq!(body["data"][1]["status"], json!("not_found"));
    Interchange::from_json_str(body["slashing_protection"].as_str().unwrap()).unwrap();

    // An interchange of another chain is refused before anything is imported.
    let foreign = json!({
        "keystores": [keystore.to_json().unwrap()],
        "passwords": ["correct horse"],
        "slashing_protection": Interchange::empty(Root::repeat_byte(1)).to_json_string().unwrap(),
    });
    let reply = call("POST", "/eth/v1/keystores", Some(&foreign.to_string())).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let listed = call("GET", "/eth/v1/keystores", None).await.json();
    assert!(
        listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|entry| entry["validating_pubkey"] != pubkey)
    );
}

#[tokio::test]
async fn serves_on_a_loopback_socket() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(serve(listener, router(chain(), super::MAX_BODY)));
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(
            b"GET /eth/v1/node/version HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let mut response = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        stream.read_to_string(&mut response),
    )
    .await
    .expect("a response within 10 s")
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.contains("shardnet/v"), "{response}");
    server.abort();
}

#[tokio::test]
async fn the_keymanager_api_takes_a_bearer_token_when_configured() {
    let options = crate::http::HttpOptions {
        max_body_bytes: super::MAX_BODY,
        keymanager_token: Some(String::from("secret-token")),
    };
    let app = crate::http::router_with(chain(), &options);
    for (authorization, status) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some("Bearer wrong"), StatusCode::UNAUTHORIZED),
        (Some("secret-token"), StatusCode::UNAUTHORIZED),
        (Some("Bearer secret-token"), StatusCode::OK),
    ] {
        let mut request = Request::builder().uri("/eth/v1/keystores");
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        let response = app
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{authorization:?}");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        if status == StatusCode::UNAUTHORIZED {
            assert_eq!(body["code"], json!(401));
        } else {
            assert!(body["data"].is_array());
        }
    }
    // The other APIs need no token.
    let response = app
        .oneshot(
            Request::builder()
                .uri("/eth/v1/node/version")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn transactions_are_submitted_over_rest_with_4xx_refusals() {
    let chain = chain();
    let signer = shard::TransferSigner::from_seed(7).unwrap();
    let request = shard::TransferRequest {
        chain_id: chain.config.base_chain_id,
        nonce: 0,
        to: alloy_primitives::Address::repeat_byte(1),
        value: alloy_primitives::U256::from(5u64),
        gas_limit: 21_000,
        max_fee_per_gas: 10_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
    };
    let raw = signer.sign_eip1559(&request);
    let body = json!({ "raw": format!("0x{}", hex::encode(&raw)) }).to_string();
    let reply = call("POST", "/shardnet/v1/shards/0/transactions", Some(&body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json());
    assert!(
        reply.json()["data"]["hash"]
            .as_str()
            .unwrap()
            .starts_with("0x")
    );
    for (uri, body, status) in [
        (
            "/shardnet/v1/shards/0/transactions",
            r#"{"raw": "0x1234"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "/shardnet/v1/shards/0/transactions",
            r#"{"raw": "1234"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "/shardnet/v1/shards/0/transactions",
            r#"{"raw": "0xzz"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "/shardnet/v1/shards/0/transactions",
            r#"{"tx": "0x12"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "/shardnet/v1/shards/0/transactions",
            "not json",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/shardnet/v1/shards/99/transactions",
            r#"{"raw": "0x12"}"#,
            StatusCode::NOT_FOUND,
        ),
    ] {
        let reply = call("POST", uri, Some(body)).await;
        assert_eq!(reply.status, status, "{uri} {body}");
        assert!(
            reply.json()["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    // Signed for another shard's chain id: refused with the reason.
    let other = signer.sign_eip1559(&shard::TransferRequest {
        chain_id: chain.config.base_chain_id + 1,
        ..request
    });
    let body = json!({ "raw": format!("0x{}", hex::encode(&other)) }).to_string();
    let reply = call("POST", "/shardnet/v1/shards/0/transactions", Some(&body)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.json()["message"]
            .as_str()
            .unwrap()
            .contains("refused")
    );
}
