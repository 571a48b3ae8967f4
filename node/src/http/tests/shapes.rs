//! Every endpoint answers the field names and forms of the Beacon API's OpenAPI schema (and of
//! shardnet's own shard endpoints), with values derived from the chain's states and blocks.

use axum::http::StatusCode;
use primitives::types::Root;
use serde_json::json;
use tree_hash::TreeHash;

use super::chain::{E, GENESIS_TIME, KNOWN_TX, LAST_SLOT, TestChain, VALIDATORS};
use super::{assert_fields, call, chain, get_data, get_ok, hex_of, quoted};

#[tokio::test]
async fn node_endpoints() {
    let identity = get_data("/eth/v1/node/identity").await;
    assert_fields(
        &identity,
        &[
            "peer_id",
            "enr",
            "p2p_addresses",
            "discovery_addresses",
            "metadata",
        ],
    );
    assert_fields(&identity["metadata"], &["seq_number", "attnets"]);
    quoted(&identity["metadata"]["seq_number"]);

    let version = get_data("/eth/v1/node/version").await;
    assert_fields(&version, &["version"]);
    assert!(
        version["version"]
            .as_str()
            .unwrap()
            .starts_with("shardnet/v")
    );

    let syncing = get_data("/eth/v1/node/syncing").await;
    assert_fields(&syncing, &["head_slot", "sync_distance", "is_syncing"]);
    assert_eq!(quoted(&syncing["head_slot"]), LAST_SLOT);
    assert_eq!(syncing["is_syncing"], json!(false));

    let peers = get_data("/eth/v1/node/peer_count").await;
    assert_fields(
        &peers,
        &["disconnected", "connecting", "connected", "disconnecting"],
    );
    assert_eq!(quoted(&peers["connected"]), 3);

    let health = call("GET", "/eth/v1/node/health", None).await;
    assert_eq!(health.status, StatusCode::OK);
}

#[tokio::test]
async fn config_endpoints() {
    let spec = get_data("/eth/v1/config/spec").await;
    assert_eq!(spec["CONFIG_NAME"], json!("minimal"));
    assert_eq!(quoted(&spec["SLOTS_PER_EPOCH"]), 8);
    hex_of(&spec["GENESIS_FORK_VERSION"], 4);
    for (key, value) in spec.as_object().unwrap() {
        let values = value
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![value.clone()]);
        for value in values {
            assert!(value.is_string(), "{key}: {value} is not a string");
        }
    }
    assert_eq!(spec["SHARD_BLOCK_OFFSETS"][0], json!("1"));

    let forks = get_data("/eth/v1/config/fork_schedule").await;
    let fork = &forks.as_array().unwrap()[0];
    assert_fields(fork, &["previous_version", "current_version", "epoch"]);
    hex_of(&fork["current_version"], 4);
    quoted(&fork["epoch"]);

    let deposit = get_data("/eth/v1/config/deposit_contract").await;
    assert_fields(&deposit, &["chain_id", "address"]);
    assert_eq!(quoted(&deposit["chain_id"]), chain().config.base_chain_id);
    hex_of(&deposit["address"], 20);
}

#[tokio::test]
async fn genesis_and_headers() {
    let chain = chain();
    let genesis = get_data("/eth/v1/beacon/genesis").await;
    assert_fields(
        &genesis,
        &[
            "genesis_time",
            "genesis_validators_root",
            "genesis_fork_version",
        ],
    );
    assert_eq!(quoted(&genesis["genesis_time"]), GENESIS_TIME);
    assert_eq!(
        hex_of(&genesis["genesis_validators_root"], 32),
        chain.genesis.validators_root.to_string()
    );

    let head = get_data("/eth/v1/beacon/headers/head").await;
    assert_fields(&head, &["root", "canonical", "header"]);
    assert_fields(&head["header"], &["message", "signature"]);
    assert_fields(
        &head["header"]["message"],
        &[
            "slot",
            "proposer_index",
            "parent_root",
            "state_root",
            "body_root",
        ],
    );
    assert_eq!(hex_of(&head["root"], 32), chain.head_root.to_string());
    assert_eq!(quoted(&head["header"]["message"]["slot"]), LAST_SLOT);
    hex_of(&head["header"]["signature"], 96);

    // The header's root is the block's root.
    let header: primitives::types::BeaconBlockHeader =
        serde_json::from_value(head["header"]["message"].clone()).unwrap();
    assert_eq!(header.tree_hash_root(), chain.head_root);

    let listed = get_data("/eth/v1/beacon/headers").await;
    assert_eq!(listed, serde_json::json!([head]));
    let at_slot = get_data("/eth/v1/beacon/headers?slot=3").await;
    assert_eq!(quoted(&at_slot[0]["header"]["message"]["slot"]), 3);
    let parent = at_slot[0]["header"]["message"]["parent_root"]
        .as_str()
        .unwrap()
        .to_owned();
    let children = get_data(&format!("/eth/v1/beacon/headers?parent_root={parent}")).await;
    assert_eq!(children, at_slot);
    let none = get_data("/eth/v1/beacon/headers?slot=999").await;
    assert_eq!(none, json!([]));
    let genesis_header = get_data("/eth/v1/beacon/headers/genesis").await;
    assert_eq!(
        hex_of(&genesis_header["root"], 32),
        chain.genesis_root.to_string()
    );
}

#[tokio::test]
async fn blocks() {
    let chain = chain();
    let block = get_data("/eth/v1/beacon/blocks/head").await;
    assert_fields(&block, &["message", "signature"]);
    assert_fields(
        &block["message"],
        &[
            "slot",
            "proposer_index",
            "parent_root",
            "state_root",
            "body",
        ],
    );
    let body = &block["message"]["body"];
    for field in [
        "randao_reveal",
        "eth1_data",
        "graffiti",
        "proposer_slashings",
        "attester_slashings",
        "attestations",
        "deposits",
        "voluntary_exits",
    ] {
        assert!(body.get(field).is_some(), "body has no {field}");
    }
    let by_root = get_data(&format!("/eth/v1/beacon/blocks/{}", chain.head_root)).await;
    assert_eq!(by_root, block);
    let by_slot = get_data(&format!("/eth/v1/beacon/blocks/{LAST_SLOT}")).await;
    assert_eq!(by_slot, block);

    let root = get_data("/eth/v1/beacon/blocks/head/root").await;
    assert_fields(&root, &["root"]);
    assert_eq!(hex_of(&root["root"], 32), chain.head_root.to_string());

    // Each block after the first carries the previous slot's aggregates.
    let attestations = get_data("/eth/v1/beacon/blocks/5/attestations").await;
    let attestations = attestations.as_array().unwrap();
    assert!(!attestations.is_empty());
    assert_fields(&attestations[0], &["aggregation_bits", "data", "signature"]);
    assert_eq!(quoted(&attestations[0]["data"]["slot"]), 4);
    assert_eq!(attestations, body_attestations(&chain, 5).as_slice());
}

fn body_attestations(chain: &TestChain, slot: u64) -> Vec<serde_json::Value> {
    use crate::http::BeaconNodeBackend;
    let block = chain
        .block(crate::api::BlockId::Slot(slot))
        .unwrap()
        .unwrap();
    block
        .block
        .message
        .body
        .attestations
        .iter()
        .map(|attestation| serde_json::to_value(attestation).unwrap())
        .collect()
}

#[tokio::test]
async fn state_reads() {
    let chain = chain();
    let head = chain.head_state();
    let root = get_data("/eth/v1/beacon/states/head/root").await;
    assert_fields(&root, &["root"]);
    assert_eq!(hex_of(&root["root"], 32), head.root.to_string());
    let by_root = get_data(&format!("/eth/v1/beacon/states/{}/root", head.root)).await;
    assert_eq!(by_root, root);
    let at_slot = get_data(&format!("/eth/v1/beacon/states/{LAST_SLOT}/root")).await;
    assert_eq!(at_slot, root);

    let fork = get_data("/eth/v1/beacon/states/genesis/fork").await;
    assert_fields(&fork, &["previous_version", "current_version", "epoch"]);

    let checkpoints = get_data("/eth/v1/beacon/states/head/finality_checkpoints").await;
    assert_fields(
        &checkpoints,
        &["previous_justified", "current_justified", "finalized"],
    );
    assert_fields(&checkpoints["finalized"], &["epoch", "root"]);
    assert_eq!(quoted(&checkpoints["finalized"]["epoch"]), 0);
    for state_id in ["finalized", "justified"] {
        get_data(&format!("/eth/v1/beacon/states/{state_id}/root")).await;
    }
}

#[tokio::test]
async fn validators_and_balances() {
    let chain = chain();
    let head = chain.head_state();
    let all = get_data("/eth/v1/beacon/states/head/validators").await;
    let all = all.as_array().unwrap();
    assert_eq!(all.len() as u64, VALIDATORS);
    assert_fields(&all[0], &["index", "balance", "status", "validator"]);
    // The phase 0 fields of the schema, and phase 1's custody fields beside them.
    assert_fields(
        &all[0]["validator"],
        &[
            "next_custody_secret_to_reveal",
            "all_custody_secrets_revealed_epoch",
            "pubkey",
            "withdrawal_credentials",
            "effective_balance",
            "slashed",
            "activation_eligibility_epoch",
            "activation_epoch",
            "exit_epoch",
            "withdrawable_epoch",
        ],
    );
    assert_eq!(all[0]["status"], json!("active_ongoing"));
    assert_eq!(quoted(&all[7]["index"]), 7);
    assert_eq!(quoted(&all[7]["balance"]), head.state.balances[7]);

    // By index and by public key, in request order, with unknown ids left out.
    let pubkey = head.state.validators[5].pubkey;
    let some = get_data(&format!(
        "/eth/v1/beacon/states/head/validators?id=9,{pubkey}&id=100000"
    ))
    .await;
    let indices: Vec<u64> = some
        .as_array()
        .unwrap()
        .iter()
        .map(|v| quoted(&v["index"]))
        .collect();
    assert_eq!(indices, [9, 5]);
    let active = get_data("/eth/v1/beacon/states/head/validators?status=active").await;
    assert_eq!(active.as_array().unwrap().len() as u64, VALIDATORS);
    let exited = get_data("/eth/v1/beacon/states/head/validators?status=exited,pending").await;
    assert_eq!(exited, json!([]));

    let one = get_data(&format!("/eth/v1/beacon/states/head/validators/{pubkey}")).await;
    assert_eq!(quoted(&one["index"]), 5);
    let by_index = get_data("/eth/v1/beacon/states/head/validators/5").await;
    assert_eq!(one, by_index);

    let balances = get_data("/eth/v1/beacon/states/head/validator_balances?id=1,2").await;
    let balances = balances.as_array().unwrap();
    assert_eq!(balances.len(), 2);
    assert_fields(&balances[0], &["index", "balance"]);
    assert_eq!(quoted(&balances[1]["balance"]), head.state.balances[2]);
    let every = get_data("/eth/v1/beacon/states/genesis/validator_balances").await;
    assert_eq!(every.as_array().unwrap().len() as u64, VALIDATORS);
}

#[tokio::test]
async fn committees_cover_every_active_validator_once() {
    let committees = get_data("/eth/v1/beacon/states/head/committees").await;
    let committees = committees.as_array().unwrap();
    assert_fields(&committees[0], &["index", "slot", "validators"]);
    let mut members: Vec<u64> = committees
        .iter()
        .flat_map(|committee| {
            committee["validators"]
                .as_array()
                .unwrap()
                .iter()
                .map(quoted)
        })
        .collect();
    members.sort_unstable();
    assert_eq!(members, (0..VALIDATORS).collect::<Vec<_>>());
    // The head is in epoch 1 (slots 8 to 15).
    let slots: Vec<u64> = committees.iter().map(|c| quoted(&c["slot"])).collect();
    assert!(slots.iter().all(|slot| (8..16).contains(slot)), "{slots:?}");

    let at_slot = get_data("/eth/v1/beacon/states/head/committees?slot=9&index=0").await;
    assert_eq!(at_slot.as_array().unwrap().len(), 1);
    assert_eq!(quoted(&at_slot[0]["slot"]), 9);
    let previous = get_data("/eth/v1/beacon/states/head/committees?epoch=0").await;
    assert!(quoted(&previous[0]["slot"]) < 8);
}

#[tokio::test]
async fn pool_reads_and_submissions() {
    let chain = chain();
    let pool = get_data("/eth/v1/beacon/pool/attestations").await;
    let pool = pool.as_array().unwrap();
    assert_eq!(pool.len(), chain.pool.attestations.len());
    assert!(!pool.is_empty());
    let filtered = get_data(&format!(
        "/eth/v1/beacon/pool/attestations?slot={LAST_SLOT}&committee_index=0"
    ))
    .await;
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    for path in [
        "voluntary_exits",
        "proposer_slashings",
        "attester_slashings",
    ] {
        assert_eq!(
            get_data(&format!("/eth/v1/beacon/pool/{path}")).await,
            json!([])
        );
    }

    // A pool attestation is accepted back; one to an unknown block is named by its index.
    let good = pool[0].clone();
    let mut bad = good.clone();
    bad["data"]["beacon_block_root"] = json!(Root::repeat_byte(9));
    let accepted = call(
        "POST",
        "/eth/v1/beacon/pool/attestations",
        Some(&json!([good]).to_string()),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK);
    let refused = call(
        "POST",
        "/eth/v1/beacon/pool/attestations",
        Some(&json!([good, bad]).to_string()),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let body = refused.json();
    assert_fields(&body, &["code", "message", "failures"]);
    assert_eq!(body["code"], json!(400));
    assert_eq!(body["failures"][0]["index"], json!(1));
}

#[tokio::test]
async fn a_published_block_is_checked_by_the_state_transition() {
    let chain = chain();
    let block = get_data("/eth/v1/beacon/blocks/3").await;
    let accepted = call("POST", "/eth/v1/beacon/blocks", Some(&block.to_string())).await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
    assert!(chain.submitted.lock().contains(&chain.canonical_root(3)));

    let mut forged = block.clone();
    forged["message"]["body"]["graffiti"] = json!(Root::repeat_byte(1));
    let refused = call("POST", "/eth/v1/beacon/blocks", Some(&forged.to_string())).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let message = refused.json()["message"].as_str().unwrap().to_owned();
    assert!(message.starts_with("invalid block"), "{message}");
}

#[tokio::test]
async fn duties() {
    let chain = chain();
    let head = chain.head_state();
    let proposers = get_ok("/eth/v1/validator/duties/proposer/1").await;
    assert_fields(&proposers, &["dependent_root", "data"]);
    let duties = proposers["data"].as_array().unwrap();
    assert_eq!(duties.len(), 8);
    assert_fields(&duties[0], &["pubkey", "validator_index", "slot"]);
    assert_eq!(quoted(&duties[0]["slot"]), 8);
    // The proposer of the head block is the one the duties name for its slot.
    let head_proposer = chain.head().block.message.proposer_index;
    assert_eq!(
        quoted(&duties[(LAST_SLOT - 8) as usize]["validator_index"]),
        head_proposer
    );
    // Epoch 1 depends on the block of slot 7.
    assert_eq!(
        hex_of(&proposers["dependent_root"], 32),
        chain.canonical_root(7).to_string()
    );
    let earlier = get_ok("/eth/v1/validator/duties/proposer/0").await;
    assert_eq!(
        hex_of(&earlier["dependent_root"], 32),
        chain.genesis_root.to_string()
    );

    let attesters = call(
        "POST",
        "/eth/v1/validator/duties/attester/2",
        Some(r#"["0", "1", "63"]"#),
    )
    .await;
    assert_eq!(attesters.status, StatusCode::OK, "{:?}", attesters.body);
    let attesters = attesters.json();
    assert_fields(&attesters, &["dependent_root", "data"]);
    let duties = attesters["data"].as_array().unwrap();
    assert_eq!(duties.len(), 3);
    assert_fields(
        &duties[0],
        &[
            "pubkey",
            "validator_index",
            "committee_index",
            "committee_length",
            "committees_at_slot",
            "validator_committee_index",
            "slot",
        ],
    );
    let slot = quoted(&duties[2]["slot"]);
    assert!((16..24).contains(&slot), "{slot}");
    assert_eq!(
        duties[2]["pubkey"],
        serde_json::to_value(head.state.validators[63].pubkey).unwrap()
    );
    assert_eq!(
        hex_of(&attesters["dependent_root"], 32),
        chain.canonical_root(7).to_string()
    );
}

#[tokio::test]
async fn shard_endpoints() {
    let chain = chain();
    let head = get_data("/shardnet/v1/shards/0/head").await;
    assert_fields(
        &head,
        &[
            "root",
            "shard",
            "slot",
            "proposer_index",
            "shard_parent_root",
            "beacon_parent_root",
            "body_size",
            "crosslinked",
            "finalized",
            "payload",
        ],
    );
    assert_eq!(quoted(&head["shard"]), 0);
    assert_eq!(quoted(&head["payload"]["gas_used"]), 21_000);

    let blocks = get_data("/shardnet/v1/shards/1/blocks?start_slot=0&count=64").await;
    let blocks = blocks.as_array().unwrap();
    assert!(blocks.len() >= 2, "{blocks:?}");
    assert!(blocks.iter().all(|block| quoted(&block["shard"]) == 1));
    let latest = get_data("/shardnet/v1/shards/1/blocks?count=1").await;
    assert_eq!(latest.as_array().unwrap().last(), blocks.last());

    let first = chain.first_shard_block(0);
    let by_root = get_data(&format!("/shardnet/v1/shards/0/blocks/{}", first.root)).await;
    assert_fields(
        &by_root,
        &["root", "crosslinked", "finalized", "block", "payload"],
    );
    assert_fields(&by_root["block"], &["message", "signature"]);
    assert_fields(
        &by_root["payload"],
        &[
            "post_state_root",
            "receipts_root",
            "cross_shard_receipts_root",
            "gas_used",
            "transaction_count",
            "cross_shard_receipt_count",
            "receipt_claim_count",
            "transactions",
            "cross_shard_receipts",
            "receipt_claims",
        ],
    );
    let by_slot = get_data(&format!(
        "/shardnet/v1/shards/0/blocks/{}",
        first.block.message.slot
    ))
    .await;
    assert_eq!(by_slot, by_root);

    let crosslinks = get_data("/shardnet/v1/shards/0/crosslinks").await;
    assert_fields(&crosslinks, &["shard", "head", "finalized"]);
    assert_fields(
        &crosslinks["head"],
        &["slot", "gasprice", "latest_block_root"],
    );
    // The honest committees crosslinked shard 0 during the run.
    assert!(quoted(&crosslinks["head"]["slot"]) > 0);

    // An address whose home shard is 0 (the first eight bytes are zero).
    let address = format!("0x{}", "00".repeat(19) + "01");
    let account = get_data(&format!("/shardnet/v1/shards/0/accounts/{address}")).await;
    assert_fields(&account, &["address", "shard", "balance", "nonce"]);
    assert_eq!(account["balance"], json!("5000000000000000000"));
    assert_eq!(quoted(&account["nonce"]), 3);

    let receipt = get_data(&format!("/shardnet/v1/shards/0/receipts/{KNOWN_TX}")).await;
    for field in [
        "transaction_hash",
        "block_root",
        "block_slot",
        "success",
        "gas_used",
        "finalized",
        "cross_shard_receipt",
        "claimed",
        "proof",
    ] {
        assert!(receipt.get(field).is_some(), "receipt has no {field}");
    }
    assert_eq!(quoted(&receipt["cross_shard_receipt"]["dest_shard"]), 1);
}

#[tokio::test]
async fn metrics_are_prometheus_text() {
    let reply = call("GET", "/metrics", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(String::from_utf8_lossy(&reply.body).contains("shardnet_head_slot 10"));
}

#[tokio::test]
async fn blocks_in_ssz_on_request() {
    use axum::body::Body;
    use axum::http::Request;
    use primitives::types::SignedBeaconBlock;
    use ssz::Decode;
    use tower::ServiceExt;

    let chain = chain();
    let request = Request::builder()
        .uri("/eth/v1/beacon/blocks/head")
        .header("accept", "application/octet-stream")
        .body(Body::empty())
        .unwrap();
    let response = super::app().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/octet-stream"
    );
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let block = SignedBeaconBlock::<E>::from_ssz_bytes(&bytes).unwrap();
    assert_eq!(block.message.tree_hash_root(), chain.head_root);
}

#[test]
fn head_events_carry_the_duty_dependent_roots() {
    let chain = chain();
    let head = chain.head_state();
    let event = crate::http::backend::HeadEvent::new(
        &head,
        chain.head_root,
        chain.genesis_root,
        &chain.config,
    )
    .unwrap();
    assert_eq!(event.slot, LAST_SLOT);
    assert_eq!(event.state, head.root);
    assert!(!event.epoch_transition);
    // Epoch 1's duties depend on the block of slot 7, epoch 0's on genesis.
    assert_eq!(event.current_duty_dependent_root, chain.canonical_root(7));
    assert_eq!(event.previous_duty_dependent_root, chain.genesis_root);
    let at_boundary = chain.state_at_slot(8);
    let event = crate::http::backend::HeadEvent::new(
        &at_boundary,
        chain.canonical_root(8),
        chain.genesis_root,
        &chain.config,
    )
    .unwrap();
    assert!(event.epoch_transition);
}
