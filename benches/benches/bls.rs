//! BLS verification costs: one signature, one attestation-sized aggregate, one block-sized batch.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use primitives::bls::{
    AggregateSignature, PublicKey, SecretKey, Signature, SignatureSet, interop_secret_key,
    verify_signature_sets,
};
use primitives::types::Hash256;

fn keys(n: u64) -> Vec<SecretKey> {
    (0..n)
        .map(|i| interop_secret_key(i).expect("interop key"))
        .collect()
}

fn message(i: u64) -> Hash256 {
    Hash256::left_padding_from(&i.to_be_bytes())
}

fn verify(c: &mut Criterion) {
    let sk = interop_secret_key(0).expect("interop key");
    let pk = sk.public_key();
    let sig = sk.sign(message(0));
    c.bench_function("bls/verify", |b| {
        b.iter(|| assert!(black_box(&sig).verify(black_box(&pk), message(0))));
    });
}

fn fast_aggregate_verify_128(c: &mut Criterion) {
    let keys = keys(128);
    let pks: Vec<PublicKey> = keys.iter().map(SecretKey::public_key).collect();
    let sigs: Vec<Signature> = keys.iter().map(|k| k.sign(message(1))).collect();
    let agg = AggregateSignature::aggregate(&sigs.iter().collect::<Vec<_>>())
        .expect("non-empty")
        .to_signature();
    let refs: Vec<&PublicKey> = pks.iter().collect();
    c.bench_function("bls/fast_aggregate_verify_128_keys", |b| {
        b.iter(|| assert!(black_box(&agg).fast_aggregate_verify(black_box(&refs), message(1))));
    });
}

fn verify_signature_sets_64(c: &mut Criterion) {
    let keys = keys(64);
    let parts: Vec<(Signature, PublicKey, Hash256)> = keys
        .iter()
        .zip(0u64..)
        .map(|(k, i)| (k.sign(message(i)), k.public_key(), message(i)))
        .collect();
    let sets: Vec<SignatureSet<'_>> = parts
        .iter()
        .map(|(sig, pk, msg)| SignatureSet::single_pubkey(sig, pk, *msg))
        .collect();
    c.bench_function("bls/verify_signature_sets_64_sets", |b| {
        b.iter(|| assert!(verify_signature_sets(black_box(&sets))));
    });
}

criterion_group!(
    benches,
    verify,
    fast_aggregate_verify_128,
    verify_signature_sets_64
);
criterion_main!(benches);
