//! The client's error typing and decoding against a loopback HTTP responder that answers each
//! connection with one fixed response.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;

use super::{ClientError, NodeClient, metric_sum, metric_value};

/// Serves `responses` in order, one per connection, and returns the server's base URL.
fn serve(responses: Vec<(u16, &'static str)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    thread::spawn(move || {
        for (status, body) in responses {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let answer = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    format!("http://{address}/")
}

#[test]
fn decodes_quoted_integers_and_data_envelopes() {
    let base = serve(vec![(
        200,
        r#"{"data":{"head_slot":"17","sync_distance":"0","is_syncing":false}}"#,
    )]);
    let status = NodeClient::new(base).syncing().expect("syncing");
    assert_eq!(status.head_slot, 17);
    assert!(!status.is_syncing);
}

#[test]
fn an_error_status_carries_the_nodes_message() {
    let base = serve(vec![(
        404,
        r#"{"code":404,"message":"shard 9 is not active"}"#,
    )]);
    let error = NodeClient::new(base).shard_head(9).expect_err("404");
    assert_eq!(error.status(), Some(404));
    assert!(
        error.to_string().contains("shard 9 is not active"),
        "{error}"
    );
}

#[test]
fn a_body_that_does_not_decode_is_bad_json() {
    let base = serve(vec![(200, r#"{"data":{"head_slot":"x"}}"#), (200, "[]")]);
    let client = NodeClient::new(base);
    assert!(client.syncing().expect_err("bad").is_bad_data());
    assert!(client.peer_count().expect_err("no data").is_bad_data());
}

#[test]
fn a_closed_port_is_unreachable() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let error = NodeClient::new(format!("http://{address}"))
        .identity()
        .expect_err("nothing listens");
    assert!(error.is_unreachable(), "{error}");
}

#[test]
fn json_rpc_errors_are_typed() {
    let base = serve(vec![
        (
            200,
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no such method"}}"#,
        ),
        (200, r#"{"jsonrpc":"2.0","id":1,"result":"0x10"}"#),
    ]);
    let client = NodeClient::new(base);
    match client.rpc(0, "eth_nope", serde_json::json!([])) {
        Err(ClientError::Rpc { code, .. }) => assert_eq!(code, -32601),
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
    let result = client
        .rpc(0, "eth_blockNumber", serde_json::json!([]))
        .expect("result");
    assert_eq!(result, "0x10");
}

#[test]
fn metric_values_by_name() {
    let text = "# HELP a x\n# TYPE a counter\na 12\nb{shard=\"0\"} 3\nc 1.5\n";
    assert_eq!(metric_value(text, "a"), Some(12.0));
    assert_eq!(metric_value(text, "c"), Some(1.5));
    assert_eq!(metric_value(text, "b"), None);
    let labelled = "t{shard=\"0\"} 3\nt{shard=\"1\"} 4\nt_other 9\n";
    assert_eq!(metric_sum(labelled, "t"), Some(7.0));
    assert_eq!(metric_sum(labelled, "u"), None);
}
