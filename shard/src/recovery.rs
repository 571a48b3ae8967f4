//! Sender recovery: the address that signed a transaction, recovered once and cached.
//!
//! Recovery is the most expensive check of a transfer (an elliptic-curve multiplication), so a
//! node does it once per transaction: [`SenderCache`] keeps recovered senders by transaction
//! hash, and [`recover_senders`] recovers the ones it does not hold in parallel across cores.
//! A transaction seen in the mempool is thus never recovered again when it comes in a block.

use std::num::NonZeroUsize;

use alloy_primitives::{Address, B256, U256, keccak256};
use rayon::prelude::*;
use secp256k1::{
    Message, Secp256k1, VerifyOnly,
    ecdsa::{RecoverableSignature, RecoveryId},
};

use crate::transaction::ShardTransaction;

/// `secp256k1n / 2`: EIP-2 rejects signatures whose `s` is above it (they are malleable).
pub const SECP256K1N_HALF: U256 = U256::from_be_bytes([
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);

/// Why a transaction's sender cannot be recovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RecoveryError {
    /// `s` is in the upper half of the curve order (EIP-2).
    #[error("signature s value is above secp256k1n / 2 (EIP-2)")]
    HighS,
    /// `r` or `s` is zero or not below the curve order.
    #[error("signature scalars out of range")]
    InvalidSignature,
    /// No public key matches the signature and the signed hash.
    #[error("no public key recovers from this signature")]
    Unrecoverable,
}

impl RecoveryError {
    /// Every recovery failure is the sender's fault.
    pub fn is_bad_data(&self) -> bool {
        true
    }
}

/// A batch recovery failure: which transaction, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("transaction {index}: {reason}")]
pub struct SenderRecoveryFailed {
    /// The position of the transaction in the batch.
    pub index: usize,
    /// Why recovery failed.
    pub reason: RecoveryError,
}

impl SenderRecoveryFailed {
    /// Every recovery failure is the sender's fault.
    pub fn is_bad_data(&self) -> bool {
        self.reason.is_bad_data()
    }
}

/// Recovers the sender of a transaction with libsecp256k1, rejecting high-s signatures.
pub fn recover_sender(tx: &ShardTransaction) -> Result<Address, RecoveryError> {
    recover_with(&Secp256k1::verification_only(), tx)
}

fn recover_with(
    secp: &Secp256k1<VerifyOnly>,
    tx: &ShardTransaction,
) -> Result<Address, RecoveryError> {
    let signature = tx.signature();
    if signature.s() > SECP256K1N_HALF {
        return Err(RecoveryError::HighS);
    }
    let mut compact = [0u8; 64];
    let (r, s) = compact.split_at_mut(32);
    r.copy_from_slice(&signature.r().to_be_bytes::<32>());
    s.copy_from_slice(&signature.s().to_be_bytes::<32>());
    let recovery_id = if signature.v() {
        RecoveryId::One
    } else {
        RecoveryId::Zero
    };
    let recoverable = RecoverableSignature::from_compact(&compact, recovery_id)
        .map_err(|_| RecoveryError::InvalidSignature)?;
    let message = Message::from_digest(tx.signature_hash().0);
    let public_key = secp
        .recover_ecdsa(message, &recoverable)
        .map_err(|_| RecoveryError::Unrecoverable)?;
    let uncompressed = public_key.serialize_uncompressed();
    // The address is the last 20 bytes of the keccak of the 64-byte key (no 0x04 prefix).
    let key = uncompressed.get(1..).ok_or(RecoveryError::Unrecoverable)?;
    Ok(Address::from_word(keccak256(key)))
}

/// Recovered senders by transaction hash, bounded; shared by the mempool and block execution.
pub struct SenderCache {
    cache: quick_cache::sync::Cache<B256, Address>,
}

impl SenderCache {
    /// A cache holding at most about `capacity` senders.
    pub fn new(capacity: NonZeroUsize) -> Self {
        Self {
            cache: quick_cache::sync::Cache::new(capacity.get()),
        }
    }

    /// The cached sender of a transaction hash.
    pub fn get(&self, tx_hash: &B256) -> Option<Address> {
        self.cache.get(tx_hash)
    }

    /// Records a recovered sender.
    pub fn insert(&self, tx_hash: B256, sender: Address) {
        self.cache.insert(tx_hash, sender);
    }

    /// The number of senders held.
    pub fn len(&self) -> usize {
        self.cache.len()
    }

    /// Whether the cache holds no sender.
    pub fn is_empty(&self) -> bool {
        self.cache.is_empty()
    }

    /// The sender of `tx`, from the cache or recovered and then cached.
    pub fn recover(&self, tx: &ShardTransaction) -> Result<Address, RecoveryError> {
        if let Some(sender) = self.get(&tx.hash()) {
            return Ok(sender);
        }
        let sender = recover_sender(tx)?;
        self.insert(tx.hash(), sender);
        Ok(sender)
    }
}

impl std::fmt::Debug for SenderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SenderCache")
            .field("len", &self.cache.len())
            .field("capacity", &self.cache.capacity())
            .finish()
    }
}

/// The senders of `txs`, in order: cached ones are looked up, the others are recovered in
/// parallel on the current rayon pool and added to the cache. Fails on the first (lowest index)
/// transaction whose signature does not recover.
pub fn recover_senders(
    txs: &[ShardTransaction],
    cache: &SenderCache,
) -> Result<Vec<Address>, SenderRecoveryFailed> {
    // Collect every result before looking for errors, so the reported failure is the lowest
    // index whatever the thread interleaving (rayon's short-circuit picks any failing one).
    let results: Vec<Result<Address, RecoveryError>> = txs
        .par_iter()
        .map_init(Secp256k1::verification_only, |secp, tx| {
            if let Some(sender) = cache.get(&tx.hash()) {
                return Ok(sender);
            }
            let sender = recover_with(secp, tx)?;
            cache.insert(tx.hash(), sender);
            Ok(sender)
        })
        .collect();
    results
        .into_iter()
        .enumerate()
        .map(|(index, result)| result.map_err(|reason| SenderRecoveryFailed { index, reason }))
        .collect()
}

#[cfg(test)]
mod tests {
    use alloy_consensus::{Signed, TxEnvelope, TxLegacy};
    use alloy_eips::eip2718::Encodable2718;
    use alloy_primitives::Signature;

    use super::*;
    use crate::signer::{TransferRequest, TransferSigner};

    const SECP256K1N: U256 = U256::from_be_bytes([
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
        0x41, 0x41,
    ]);

    fn transfer(signer: &TransferSigner, nonce: u64) -> ShardTransaction {
        let request = TransferRequest {
            chain_id: 7,
            nonce,
            to: Address::repeat_byte(0x22),
            value: U256::from(nonce),
            gas_limit: 21_000,
            max_fee_per_gas: 5,
            max_priority_fee_per_gas: 1,
        };
        let bytes = if nonce.is_multiple_of(2) {
            signer.sign_legacy(&request)
        } else {
            signer.sign_eip1559(&request)
        };
        ShardTransaction::decode(&bytes, 7).unwrap()
    }

    fn with_signature(tx: &ShardTransaction, signature: Signature) -> ShardTransaction {
        let crate::SignedTransfer::Legacy(signed) = tx.transfer() else {
            panic!("legacy expected");
        };
        let resigned: TxEnvelope =
            Signed::<TxLegacy>::new_unhashed(signed.tx().clone(), signature).into();
        ShardTransaction::decode(&resigned.encoded_2718(), 7).unwrap()
    }

    #[test]
    fn half_order_constant_is_n_over_two() {
        assert_eq!(SECP256K1N_HALF, SECP256K1N / U256::from(2u64));
    }

    #[test]
    fn high_s_signature_is_rejected() {
        let signer = TransferSigner::from_seed(3).unwrap();
        let tx = transfer(&signer, 0);
        let low = *tx.signature();
        assert!(low.s() <= SECP256K1N_HALF);
        // (r, n - s, !v) is the same signature's malleated twin: valid ECDSA, but not EIP-2.
        let high = Signature::new(low.r(), SECP256K1N - low.s(), !low.v());
        let malleated = with_signature(&tx, high);
        assert_ne!(malleated.hash(), tx.hash());
        assert_eq!(recover_sender(&malleated), Err(RecoveryError::HighS));
        assert_eq!(recover_sender(&tx).unwrap(), signer.address());
    }

    #[test]
    fn out_of_range_signature_is_rejected() {
        let signer = TransferSigner::from_seed(3).unwrap();
        let tx = transfer(&signer, 0);
        let zero_r = with_signature(&tx, Signature::new(U256::ZERO, U256::from(1u64), false));
        assert!(recover_sender(&zero_r).is_err());
        let zero_s = with_signature(&tx, Signature::new(U256::from(1u64), U256::ZERO, false));
        assert!(recover_sender(&zero_s).is_err());
    }

    #[test]
    fn wrong_parity_recovers_another_address() {
        let signer = TransferSigner::from_seed(4).unwrap();
        let tx = transfer(&signer, 0);
        let sig = *tx.signature();
        let flipped = with_signature(&tx, sig.with_parity(!sig.v()));
        assert_ne!(recover_sender(&flipped).ok(), Some(signer.address()));
    }

    #[test]
    fn batch_recovery_fills_the_cache_in_order() {
        let signers: Vec<_> = (0..8)
            .map(|i| TransferSigner::from_seed(i).unwrap())
            .collect();
        let txs: Vec<_> = signers
            .iter()
            .enumerate()
            .map(|(i, s)| transfer(s, i as u64))
            .collect();
        let cache = SenderCache::new(NonZeroUsize::new(64).unwrap());
        let senders = recover_senders(&txs, &cache).unwrap();
        let expected: Vec<_> = signers.iter().map(TransferSigner::address).collect();
        assert_eq!(senders, expected);
        assert_eq!(cache.len(), 8);
        for (tx, sender) in txs.iter().zip(&expected) {
            assert_eq!(cache.get(&tx.hash()), Some(*sender));
        }
    }

    #[test]
    fn cached_senders_are_not_recovered_again() {
        let signer = TransferSigner::from_seed(9).unwrap();
        let txs = vec![transfer(&signer, 0), transfer(&signer, 1)];
        let cache = SenderCache::new(NonZeroUsize::new(16).unwrap());
        // A planted entry is returned as is: proof that the cached path skips recovery.
        let planted = Address::repeat_byte(0xee);
        cache.insert(txs[0].hash(), planted);
        let senders = recover_senders(&txs, &cache).unwrap();
        assert_eq!(senders, vec![planted, signer.address()]);
        assert_eq!(cache.recover(&txs[0]).unwrap(), planted);
    }

    #[test]
    fn batch_failure_reports_the_lowest_failing_index() {
        let signer = TransferSigner::from_seed(5).unwrap();
        let mut txs: Vec<_> = (0..6).map(|n| transfer(&signer, n * 2)).collect();
        for i in [2usize, 4] {
            let low = *txs[i].signature();
            txs[i] = with_signature(
                &txs[i],
                Signature::new(low.r(), SECP256K1N - low.s(), !low.v()),
            );
        }
        let cache = SenderCache::new(NonZeroUsize::new(16).unwrap());
        let err = recover_senders(&txs, &cache).unwrap_err();
        assert_eq!(
            err,
            SenderRecoveryFailed {
                index: 2,
                reason: RecoveryError::HighS
            }
        );
        assert!(err.is_bad_data());
        assert!(cache.get(&txs[2].hash()).is_none());
    }
}
