//! Slashing protection cases in the manner of the EIP-3076 interchange test suite (import a
//! file, then a list of signing requests that must pass or be refused), run on the in-memory and
//! the redb database; and persistence across a reopen.

use primitives::types::{PublicKeyBytes, Root};

use super::{
    Interchange, InterchangeData, InterchangeError, NotSafe, Safe, SignedAttestation, SignedBlock,
    SlashingDatabase,
};

fn pubkey(n: u8) -> PublicKeyBytes {
    PublicKeyBytes([n; 48])
}

fn root(n: u8) -> Root {
    Root::repeat_byte(n)
}

fn gvr() -> Root {
    root(0xee)
}

/// A validator's history in a test file: its key byte, block slots and (source, target) pairs.
type Entry<'a> = (u8, &'a [u64], &'a [(u64, u64)]);

/// An interchange for `gvr()` of (validator, block slots, (source, target)) without signing
/// roots.
fn interchange(entries: &[Entry<'_>]) -> Interchange {
    let mut file = Interchange::empty(gvr());
    file.data = entries
        .iter()
        .map(|(n, blocks, attestations)| InterchangeData {
            pubkey: pubkey(*n),
            signed_blocks: blocks
                .iter()
                .map(|&slot| SignedBlock {
                    slot,
                    signing_root: None,
                })
                .collect(),
            signed_attestations: attestations
                .iter()
                .map(|&(source_epoch, target_epoch)| SignedAttestation {
                    source_epoch,
                    target_epoch,
                    signing_root: None,
                })
                .collect(),
        })
        .collect();
    file
}

/// Asserts the outcome of each block request `(validator, slot, root byte, should_succeed)`.
fn check_blocks(db: &SlashingDatabase, requests: &[(u8, u64, u8, bool)]) {
    for &(n, slot, signing_root, should_succeed) in requests {
        let result = db.check_and_insert_block_proposal(&pubkey(n), slot, root(signing_root));
        assert_eq!(
            result.is_ok(),
            should_succeed,
            "block at slot {slot}: {result:?}"
        );
    }
}

/// Asserts the outcome of each attestation request `(validator, source, target, root byte,
/// should_succeed)`.
fn check_attestations(db: &SlashingDatabase, requests: &[(u8, u64, u64, u8, bool)]) {
    for &(n, source, target, signing_root, should_succeed) in requests {
        let result =
            db.check_and_insert_attestation(&pubkey(n), source, target, root(signing_root));
        assert_eq!(
            result.is_ok(),
            should_succeed,
            "attestation {source}->{target}: {result:?}"
        );
    }
}

fn unregistered_validator_refused(db: &SlashingDatabase) {
    assert!(matches!(
        db.check_and_insert_block_proposal(&pubkey(1), 1, root(1)),
        Err(NotSafe::UnregisteredValidator(_))
    ));
    assert!(matches!(
        db.check_and_insert_attestation(&pubkey(1), 0, 1, root(1)),
        Err(NotSafe::UnregisteredValidator(_))
    ));
    assert!(matches!(
        db.check_and_insert_shard_block_proposal(&pubkey(1), 0, 1, root(1)),
        Err(NotSafe::UnregisteredValidator(_))
    ));
    assert!(!db.is_registered(&pubkey(1)).unwrap());
    db.register_validators(&[pubkey(2), pubkey(1)]).unwrap();
    db.register_validator(&pubkey(1)).unwrap();
    assert_eq!(
        db.registered_validators().unwrap(),
        vec![pubkey(1), pubkey(2)]
    );
}

fn double_block_refused(db: &SlashingDatabase) {
    db.register_validators(&[pubkey(1), pubkey(2)]).unwrap();
    assert_eq!(
        db.check_and_insert_block_proposal(&pubkey(1), 10, root(1))
            .unwrap(),
        Safe::Valid
    );
    assert_eq!(
        db.check_and_insert_block_proposal(&pubkey(1), 10, root(1))
            .unwrap(),
        Safe::SameData
    );
    assert!(matches!(
        db.check_and_insert_block_proposal(&pubkey(1), 10, root(2)),
        Err(NotSafe::DoubleBlockProposal {
            slot: 10,
            previous: Some(_)
        })
    ));
    assert!(matches!(
        db.check_and_insert_block_proposal(&pubkey(1), 9, root(3)),
        Err(NotSafe::SlotBelowHistory {
            slot: 9,
            lowest: 10
        })
    ));
    check_blocks(
        db,
        &[
            (1, 12, 2, true),
            (1, 11, 4, true),
            (1, 12, 5, false),
            (2, 10, 2, true),
        ],
    );
}

fn shard_blocks(db: &SlashingDatabase) {
    db.register_validators(&[pubkey(1), pubkey(2)]).unwrap();
    let v = pubkey(1);
    assert_eq!(
        db.check_and_insert_shard_block_proposal(&v, 3, 7, root(1))
            .unwrap(),
        Safe::Valid
    );
    assert_eq!(
        db.check_and_insert_shard_block_proposal(&v, 3, 7, root(1))
            .unwrap(),
        Safe::SameData
    );
    assert!(matches!(
        db.check_and_insert_shard_block_proposal(&v, 3, 7, root(2)),
        Err(NotSafe::DoubleShardBlockProposal {
            shard: 3,
            slot: 7,
            ..
        })
    ));
    assert!(matches!(
        db.check_and_insert_shard_block_proposal(&v, 3, 6, root(2)),
        Err(NotSafe::ShardSlotBelowHistory {
            shard: 3,
            slot: 6,
            lowest: 7
        })
    ));
    // Another shard, another validator, or a beacon block at the same slot: independent.
    assert_eq!(
        db.check_and_insert_shard_block_proposal(&v, 4, 7, root(2))
            .unwrap(),
        Safe::Valid
    );
    assert_eq!(
        db.check_and_insert_shard_block_proposal(&pubkey(2), 3, 7, root(2))
            .unwrap(),
        Safe::Valid
    );
    assert_eq!(
        db.check_and_insert_block_proposal(&v, 7, root(2)).unwrap(),
        Safe::Valid
    );
    assert_eq!(
        db.check_and_insert_shard_block_proposal(&v, 6, 2, root(2))
            .unwrap(),
        Safe::Valid,
        "the lowest slot is per shard: slot 2 on shard 6 while shard 3's lowest is 7"
    );
}

fn double_and_surround_votes_refused(db: &SlashingDatabase) {
    db.register_validator(&pubkey(1)).unwrap();
    let v = pubkey(1);
    assert_eq!(
        db.check_and_insert_attestation(&v, 10, 20, root(1))
            .unwrap(),
        Safe::Valid
    );
    assert_eq!(
        db.check_and_insert_attestation(&v, 10, 20, root(1))
            .unwrap(),
        Safe::SameData
    );
    assert!(matches!(
        db.check_and_insert_attestation(&v, 11, 20, root(2)),
        Err(NotSafe::DoubleVote {
            target_epoch: 20,
            previous: Some(_)
        })
    ));
    // (12, 15) is surrounded by (10, 20).
    assert!(matches!(
        db.check_and_insert_attestation(&v, 12, 15, root(3)),
        Err(NotSafe::SurroundedVote {
            previous_source: 10,
            previous_target: 20,
            ..
        })
    ));
    assert_eq!(
        db.check_and_insert_attestation(&v, 20, 22, root(4))
            .unwrap(),
        Safe::Valid
    );
    // (15, 25) surrounds (20, 22).
    assert!(matches!(
        db.check_and_insert_attestation(&v, 15, 25, root(5)),
        Err(NotSafe::SurroundingVote {
            previous_source: 20,
            previous_target: 22,
            ..
        })
    ));
    assert!(matches!(
        db.check_and_insert_attestation(&v, 30, 29, root(6)),
        Err(NotSafe::SourceAfterTarget { .. })
    ));
    assert!(matches!(
        db.check_and_insert_attestation(&v, 10, 19, root(7)),
        Err(NotSafe::TargetBelowHistory {
            target_epoch: 19,
            lowest: 20
        })
    ));
    // Refused requests were not recorded: the votes they would have surrounded still pass.
    check_attestations(
        db,
        &[
            (1, 22, 23, 8, true),
            (1, 22, 23, 8, true),
            (1, 23, 30, 9, true),
        ],
    );
}

fn import_then_sign(db: &SlashingDatabase) {
    // One block at 32 and one attestation 15 -> 20, without signing roots.
    let summary = db
        .import_interchange(&interchange(&[(0, &[32], &[(15, 20)])]), gvr())
        .unwrap();
    assert_eq!(
        (
            summary.validators,
            summary.blocks_imported,
            summary.attestations_imported
        ),
        (1, 1, 1)
    );
    assert!(db.is_registered(&pubkey(0)).unwrap());
    check_blocks(
        db,
        &[
            (0, 32, 1, false),
            (0, 33, 1, true),
            (0, 31, 1, false),
            (0, 1, 1, false),
        ],
    );
    check_attestations(
        db,
        &[
            (0, 3, 4, 1, false),
            (0, 14, 19, 1, false),
            (0, 15, 20, 1, false),
            (0, 16, 20, 1, false),
            (0, 15, 21, 1, true),
        ],
    );
}

fn import_minimal_watermarks(db: &SlashingDatabase) {
    // Gaps in an imported history are not signed into: the highest imported slot and epochs
    // are watermarks.
    let file = interchange(&[(0, &[2, 3, 10, 1200], &[(10, 11), (12, 13), (20, 24)])]);
    db.import_interchange(&file, gvr()).unwrap();
    check_blocks(
        db,
        &[
            (0, 1, 1, false),
            (0, 2, 1, false),
            (0, 4, 1, false),
            (0, 256, 1, false),
            (0, 1200, 1, false),
            (0, 1201, 1, true),
        ],
    );
    check_attestations(
        db,
        &[
            (0, 9, 10, 1, false),
            (0, 12, 13, 1, false),
            (0, 11, 14, 1, false),
            (0, 21, 22, 1, false),
            (0, 10, 24, 1, false),
            (0, 11, 12, 1, false),
            (0, 19, 25, 1, false),
            (0, 20, 25, 1, true),
        ],
    );
}

fn import_genesis_attestation(db: &SlashingDatabase) {
    db.import_interchange(&interchange(&[(0, &[], &[(0, 0)])]), gvr())
        .unwrap();
    check_attestations(db, &[(0, 0, 0, 1, false), (0, 0, 1, 1, true)]);
}

fn import_with_signing_roots_allows_exact_repeats(db: &SlashingDatabase) {
    let mut file = Interchange::empty(gvr());
    file.data.push(InterchangeData {
        pubkey: pubkey(0),
        signed_blocks: vec![SignedBlock {
            slot: 10,
            signing_root: Some(root(0xa)),
        }],
        signed_attestations: vec![SignedAttestation {
            source_epoch: 1,
            target_epoch: 2,
            signing_root: Some(root(0xb)),
        }],
    });
    db.import_interchange(&file, gvr()).unwrap();
    assert_eq!(
        db.check_and_insert_block_proposal(&pubkey(0), 10, root(0xa))
            .unwrap(),
        Safe::SameData
    );
    assert_eq!(
        db.check_and_insert_attestation(&pubkey(0), 1, 2, root(0xb))
            .unwrap(),
        Safe::SameData
    );
    check_blocks(db, &[(0, 10, 0xc, false), (0, 11, 0xc, true)]);
    check_attestations(db, &[(0, 1, 2, 0xc, false), (0, 2, 3, 0xc, true)]);
}

fn import_refuses_wrong_chain_and_version(db: &SlashingDatabase) {
    let file = interchange(&[(0, &[5], &[])]);
    assert!(matches!(
        db.import_interchange(&file, root(1)),
        Err(InterchangeError::GenesisValidatorsRootMismatch { .. })
    ));
    let mut old = file.clone();
    old.metadata.interchange_format_version = 4;
    assert!(matches!(
        db.import_interchange(&old, gvr()),
        Err(InterchangeError::UnsupportedVersion(4))
    ));
    // An attestation with source after target refuses the whole file: nothing is registered.
    let bad = interchange(&[(0, &[5], &[]), (1, &[], &[(3, 2)])]);
    assert!(matches!(
        db.import_interchange(&bad, gvr()),
        Err(InterchangeError::SourceAfterTarget { .. })
    ));
    assert!(db.registered_validators().unwrap().is_empty());
}

fn import_duplicate_pubkeys_merge(db: &SlashingDatabase) {
    let file = interchange(&[(0, &[5], &[(1, 2)]), (1, &[3], &[]), (0, &[9], &[(3, 4)])]);
    let summary = db.import_interchange(&file, gvr()).unwrap();
    assert_eq!(summary.validators, 3);
    check_blocks(
        db,
        &[
            (0, 8, 1, false),
            (0, 9, 1, false),
            (0, 10, 1, true),
            (1, 4, 1, true),
        ],
    );
    check_attestations(db, &[(0, 3, 4, 1, false), (0, 4, 5, 1, true)]);

    // The same slot twice with different roots: neither may be signed again.
    let mut slashable = Interchange::empty(gvr());
    for signing_root in [root(0xa), root(0xb)] {
        slashable.data.push(InterchangeData {
            pubkey: pubkey(2),
            signed_blocks: vec![SignedBlock {
                slot: 50,
                signing_root: Some(signing_root),
            }],
            signed_attestations: vec![],
        });
    }
    assert_eq!(
        db.import_interchange(&slashable, gvr()).unwrap().conflicts,
        1
    );
    check_blocks(
        db,
        &[(2, 50, 0xa, false), (2, 50, 0xb, false), (2, 51, 0xb, true)],
    );
}

fn import_keeps_max_watermarks(db: &SlashingDatabase) {
    db.import_interchange(&interchange(&[(0, &[20], &[(10, 30)])]), gvr())
        .unwrap();
    db.import_interchange(&interchange(&[(0, &[10], &[(5, 6)])]), gvr())
        .unwrap();
    check_blocks(
        db,
        &[(0, 15, 1, false), (0, 20, 1, false), (0, 21, 1, true)],
    );
    check_attestations(
        db,
        &[
            (0, 9, 31, 1, false),
            (0, 11, 25, 1, false),
            (0, 10, 31, 1, true),
        ],
    );
    // Local history plus an import: the local signature stays refusable after it.
    db.check_and_insert_block_proposal(&pubkey(0), 40, root(4))
        .unwrap();
    db.import_interchange(&interchange(&[(0, &[25], &[])]), gvr())
        .unwrap();
    check_blocks(db, &[(0, 40, 5, false), (0, 40, 4, true), (0, 41, 5, true)]);
}

fn validators_are_independent(db: &SlashingDatabase) {
    db.import_interchange(&interchange(&[(1, &[100], &[(10, 11)])]), gvr())
        .unwrap();
    db.register_validator(&pubkey(2)).unwrap();
    check_blocks(db, &[(2, 50, 1, true), (1, 50, 1, false)]);
    check_attestations(db, &[(2, 1, 2, 1, true), (1, 1, 2, 1, false)]);
}

fn export_round_trip(db: &SlashingDatabase) {
    db.register_validators(&[pubkey(1), pubkey(2)]).unwrap();
    db.check_and_insert_block_proposal(&pubkey(1), 5, root(1))
        .unwrap();
    db.check_and_insert_block_proposal(&pubkey(1), 6, root(2))
        .unwrap();
    db.check_and_insert_attestation(&pubkey(1), 0, 1, root(3))
        .unwrap();
    db.check_and_insert_attestation(&pubkey(2), 1, 2, root(4))
        .unwrap();
    let exported = db.export_interchange(gvr()).unwrap();
    assert_eq!(exported.metadata.genesis_validators_root, gvr());
    assert_eq!(exported.data.len(), 2);
    let first = &exported.data[0];
    assert_eq!(first.pubkey, pubkey(1));
    assert_eq!(
        first.signed_blocks,
        vec![
            SignedBlock {
                slot: 5,
                signing_root: Some(root(1))
            },
            SignedBlock {
                slot: 6,
                signing_root: Some(root(2))
            }
        ]
    );
    assert_eq!(
        first.signed_attestations,
        vec![SignedAttestation {
            source_epoch: 0,
            target_epoch: 1,
            signing_root: Some(root(3))
        }]
    );
    let only_second = db
        .export_interchange_of(gvr(), &[pubkey(2), pubkey(9)])
        .unwrap();
    assert_eq!(only_second.data.len(), 1);
    assert_eq!(only_second.data[0].pubkey, pubkey(2));

    // Through JSON into a fresh database: the same requests are refused there.
    let json = exported.to_json_string().unwrap();
    assert!(
        json.contains("\"interchange_format_version\": \"5\""),
        "{json}"
    );
    assert!(json.contains("\"slot\": \"5\""), "{json}");
    let other = SlashingDatabase::in_memory();
    other.import_interchange_json(&json, gvr()).unwrap();
    assert_eq!(other.export_interchange(gvr()).unwrap(), exported);
    check_blocks(
        &other,
        &[(1, 6, 9, false), (1, 6, 2, true), (1, 7, 9, true)],
    );
    check_attestations(
        &other,
        &[(1, 0, 1, 9, false), (2, 1, 2, 4, true), (2, 2, 3, 9, true)],
    );
}

/// Runs each case on a fresh database of each kind.
macro_rules! slashing_suite {
    ($($case:ident),* $(,)?) => {
        mod memory {
            $(#[test] fn $case() { super::$case(&super::SlashingDatabase::in_memory()); })*
        }
        mod redb {
            $(#[test] fn $case() {
                let dir = tempfile::tempdir().unwrap();
                let db = super::SlashingDatabase::open(dir.path().join("slashing.redb")).unwrap();
                super::$case(&db);
            })*
        }
    };
}

slashing_suite!(
    unregistered_validator_refused,
    double_block_refused,
    shard_blocks,
    double_and_surround_votes_refused,
    import_then_sign,
    import_minimal_watermarks,
    import_genesis_attestation,
    import_with_signing_roots_allows_exact_repeats,
    import_refuses_wrong_chain_and_version,
    import_duplicate_pubkeys_merge,
    import_keeps_max_watermarks,
    validators_are_independent,
    export_round_trip,
);

#[test]
fn parses_an_interchange_file() {
    let json = r#"{
        "metadata": {
            "interchange_format_version": "5",
            "genesis_validators_root": "0x04700007fabc8282644aed6d1c7c9e21d38a03a0c4ba193f3afe428824b3a673"
        },
        "data": [{
            "pubkey": "0xb845089a1457f811bfc000588fbb4e713669be8ce060ea6be3c6ece09afc3794106c91ca73acda5e5457122d58723bed",
            "signed_blocks": [
                { "slot": "81952", "signing_root": "0x4ff6f743a43f3b4f95350831aeaf0a122a1a392922c45d804280284a69eb850b" },
                { "slot": "81951" }
            ],
            "signed_attestations": [
                { "source_epoch": "2290", "target_epoch": "3007", "signing_root": "0x587d6a4f59a58fe24f406e0502413e77fe1babddee641fda30034ed37ecc884d" },
                { "source_epoch": "2290", "target_epoch": "3008" }
            ]
        }]
    }"#;
    let file = Interchange::from_json_str(json).unwrap();
    assert_eq!(file.metadata.interchange_format_version, 5);
    let data = &file.data[0];
    assert_eq!(data.signed_blocks[0].slot, 81952);
    assert!(data.signed_blocks[0].signing_root.is_some());
    assert_eq!(data.signed_blocks[1].signing_root, None);
    assert_eq!(data.signed_attestations[1].target_epoch, 3008);

    let db = SlashingDatabase::in_memory();
    let summary = db
        .import_interchange(&file, file.metadata.genesis_validators_root)
        .unwrap();
    assert_eq!(
        (summary.blocks_imported, summary.attestations_imported),
        (2, 2)
    );
    assert!(
        db.check_and_insert_block_proposal(&data.pubkey, 81952, root(1))
            .is_err()
    );
    assert!(
        db.check_and_insert_block_proposal(&data.pubkey, 81953, root(1))
            .is_ok()
    );

    for bad in [
        json.replace("\"81952\"", "\"-1\""),
        json.replace("\"slot\": \"81951\"", "\"slot\": \"81951\", \"extra\": 1"),
        json.replace("0xb845", "0xzz45"),
        "{}".to_string(),
    ] {
        assert!(
            matches!(
                Interchange::from_json_str(&bad),
                Err(InterchangeError::Json(_))
            ),
            "{bad}"
        );
    }
}

#[test]
fn refuses_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slashing.redb");
    {
        let db = SlashingDatabase::open(&path).unwrap();
        db.register_validator(&pubkey(1)).unwrap();
        db.check_and_insert_block_proposal(&pubkey(1), 10, root(1))
            .unwrap();
        db.check_and_insert_attestation(&pubkey(1), 10, 20, root(2))
            .unwrap();
        db.import_interchange(&interchange(&[(2, &[100], &[(7, 8)])]), gvr())
            .unwrap();
    }
    let db = SlashingDatabase::open(&path).unwrap();
    assert!(db.is_registered(&pubkey(1)).unwrap());
    check_blocks(
        &db,
        &[
            (1, 10, 3, false),
            (1, 10, 1, true),
            (2, 100, 3, false),
            (2, 99, 3, false),
        ],
    );
    check_attestations(
        &db,
        &[
            (1, 11, 20, 3, false),
            (1, 12, 15, 3, false),
            (2, 7, 8, 3, false),
            (1, 20, 21, 3, true),
        ],
    );
}

#[test]
fn concurrent_requests_sign_one_block() {
    let dir = tempfile::tempdir().unwrap();
    let db = SlashingDatabase::open(dir.path().join("slashing.redb")).unwrap();
    db.register_validator(&pubkey(1)).unwrap();
    let outcomes: Vec<bool> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4u8)
            .map(|n| {
                let db = db.clone();
                scope.spawn(move || {
                    db.check_and_insert_block_proposal(&pubkey(1), 7, root(n))
                        .is_ok()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect()
    });
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{outcomes:?}");
}
