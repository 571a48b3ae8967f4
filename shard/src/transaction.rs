//! Shard transactions: EIP-2718 bytes decoded into the transfers a shard accepts.
//!
//! A shard takes two kinds of Ethereum transactions, so that any standard wallet or library can
//! sign for it: legacy transactions with an EIP-155 chain id and EIP-1559 (type 2) transactions.
//! The chain id of shard `s` is `base_chain_id + s`, which keeps a transaction signed for one
//! shard from being replayed on another. Decoding is done by `alloy-consensus`; this module adds
//! shardnet's rules on top and keeps the original bytes, whose keccak is the transaction hash.

use alloy_consensus::{Signed, Transaction, TxEip1559, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_primitives::{Address, B256, Bytes, Signature, U256, keccak256};

/// The EIP-2718 type byte of an EIP-1559 transaction.
const EIP1559_TYPE: u8 = 2;

/// Gas every transaction pays before any calldata (`G_transaction` in the yellow paper).
pub const TX_BASE_GAS: u64 = 21_000;
/// Gas per zero byte of calldata (EIP-2028).
pub const TX_DATA_ZERO_GAS: u64 = 4;
/// Gas per non-zero byte of calldata (EIP-2028).
pub const TX_DATA_NON_ZERO_GAS: u64 = 16;
/// Gas per address of an access list (EIP-2930).
pub const ACCESS_LIST_ADDRESS_GAS: u64 = 2_400;
/// Gas per storage key of an access list (EIP-2930).
pub const ACCESS_LIST_STORAGE_KEY_GAS: u64 = 1_900;

/// Why bytes are not a transaction this shard accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransactionError {
    /// The bytes are not a well-formed EIP-2718 / RLP transaction.
    #[error("malformed transaction encoding: {0}")]
    Malformed(String),
    /// The bytes decode, but re-encoding them gives other bytes (a second hash for one payload).
    #[error("transaction encoding is not canonical")]
    NonCanonical,
    /// A transaction type other than legacy (0) and EIP-1559 (2).
    #[error("unsupported transaction type {0}")]
    UnsupportedType(u8),
    /// A legacy transaction signed without a chain id (pre-EIP-155), replayable anywhere.
    #[error("legacy transaction without an EIP-155 chain id")]
    MissingChainId,
    /// The transaction is signed for another chain id (another shard or another network).
    #[error("chain id {got} is not this shard's chain id {expected}")]
    WrongChainId {
        /// The shard's chain id, `base_chain_id + shard`.
        expected: u64,
        /// The chain id the transaction was signed for.
        got: u64,
    },
    /// `base_chain_id + shard` does not fit in a `u64`.
    #[error("chain id overflow: base {base_chain_id} + shard {shard}")]
    ChainIdOverflow {
        /// The network's base chain id.
        base_chain_id: u64,
        /// The shard.
        shard: u64,
    },
    /// No recipient: contract creation, which shardnet does not run.
    #[error("contract creation is not supported")]
    ContractCreation,
    /// The gas limit does not cover the intrinsic gas of the transaction.
    #[error("gas limit {gas_limit} below intrinsic gas {intrinsic}")]
    GasLimitTooLow {
        /// The transaction's gas limit.
        gas_limit: u64,
        /// The gas the transaction needs before execution.
        intrinsic: u64,
    },
    /// The EIP-1559 priority fee is above the fee cap.
    #[error("priority fee {priority} above max fee {max_fee}")]
    PriorityFeeAboveMaxFee {
        /// `max_priority_fee_per_gas`.
        priority: u128,
        /// `max_fee_per_gas`.
        max_fee: u128,
    },
}

impl TransactionError {
    /// Whether the fault lies with whoever sent these bytes (every decoding fault does, except
    /// a configuration that cannot express the shard's chain id).
    pub fn is_bad_data(&self) -> bool {
        !matches!(self, Self::ChainIdOverflow { .. })
    }
}

/// The chain id of a shard: `base_chain_id + shard`.
pub fn shard_chain_id(base_chain_id: u64, shard: u64) -> Result<u64, TransactionError> {
    base_chain_id
        .checked_add(shard)
        .ok_or(TransactionError::ChainIdOverflow {
            base_chain_id,
            shard,
        })
}

/// The signed transfer inside a shard transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedTransfer {
    /// A legacy transaction with an EIP-155 chain id.
    Legacy(Signed<TxLegacy>),
    /// An EIP-1559 (type 2) transaction.
    Eip1559(Signed<TxEip1559>),
}

/// A transaction accepted by a shard's decoding rules, with its original bytes and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardTransaction {
    transfer: SignedTransfer,
    recipient: Address,
    chain_id: u64,
    intrinsic_gas: u64,
    encoded: Bytes,
    hash: B256,
}

impl ShardTransaction {
    /// Decodes EIP-2718 bytes for the shard whose chain id is `expected_chain_id`.
    pub fn decode(bytes: &[u8], expected_chain_id: u64) -> Result<Self, TransactionError> {
        // EIP-2718: a first byte below 0x80 is a type; 0xc0 and above start a legacy RLP list.
        match bytes.first() {
            None => return Err(TransactionError::Malformed("empty".into())),
            Some(&ty) if ty < 0x80 && ty != EIP1559_TYPE => {
                return Err(TransactionError::UnsupportedType(ty));
            }
            Some(&first) if (0x80..0xc0).contains(&first) => {
                return Err(TransactionError::Malformed(
                    "neither a type byte nor an RLP list".into(),
                ));
            }
            Some(_) => {}
        }
        let envelope = TxEnvelope::decode_2718_exact(bytes)
            .map_err(|err| TransactionError::Malformed(err.to_string()))?;
        // alloy-rlp accepts some non-minimal encodings; one payload must have exactly one hash.
        if envelope.encoded_2718() != bytes {
            return Err(TransactionError::NonCanonical);
        }
        let transfer = match envelope {
            TxEnvelope::Legacy(signed) => SignedTransfer::Legacy(signed),
            TxEnvelope::Eip1559(signed) => SignedTransfer::Eip1559(signed),
            other => return Err(TransactionError::UnsupportedType(other.tx_type() as u8)),
        };
        let chain_id = match &transfer {
            SignedTransfer::Legacy(signed) => signed.tx().chain_id,
            SignedTransfer::Eip1559(signed) => Some(signed.tx().chain_id),
        }
        .ok_or(TransactionError::MissingChainId)?;
        if chain_id != expected_chain_id {
            return Err(TransactionError::WrongChainId {
                expected: expected_chain_id,
                got: chain_id,
            });
        }
        if let SignedTransfer::Eip1559(signed) = &transfer {
            let tx = signed.tx();
            if tx.max_priority_fee_per_gas > tx.max_fee_per_gas {
                return Err(TransactionError::PriorityFeeAboveMaxFee {
                    priority: tx.max_priority_fee_per_gas,
                    max_fee: tx.max_fee_per_gas,
                });
            }
        }
        let recipient = transfer_tx(&transfer)
            .to()
            .ok_or(TransactionError::ContractCreation)?;
        let intrinsic_gas = intrinsic_gas(transfer_tx(&transfer));
        let gas_limit = transfer_tx(&transfer).gas_limit();
        if gas_limit < intrinsic_gas {
            return Err(TransactionError::GasLimitTooLow {
                gas_limit,
                intrinsic: intrinsic_gas,
            });
        }
        Ok(Self {
            transfer,
            recipient,
            chain_id,
            intrinsic_gas,
            encoded: Bytes::copy_from_slice(bytes),
            hash: keccak256(bytes),
        })
    }

    /// The transaction hash: keccak-256 of the EIP-2718 encoding.
    pub fn hash(&self) -> B256 {
        self.hash
    }

    /// The EIP-2718 encoding the transaction was decoded from.
    pub fn encoded(&self) -> &Bytes {
        &self.encoded
    }

    /// The signed transfer.
    pub fn transfer(&self) -> &SignedTransfer {
        &self.transfer
    }

    /// The chain id the transaction is signed for.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The sender's nonce this transaction uses.
    pub fn nonce(&self) -> u64 {
        transfer_tx(&self.transfer).nonce()
    }

    /// The recipient.
    pub fn to(&self) -> Address {
        self.recipient
    }

    /// The value transferred, in wei.
    pub fn value(&self) -> U256 {
        transfer_tx(&self.transfer).value()
    }

    /// The calldata.
    pub fn input(&self) -> &Bytes {
        transfer_tx(&self.transfer).input()
    }

    /// The gas limit.
    pub fn gas_limit(&self) -> u64 {
        transfer_tx(&self.transfer).gas_limit()
    }

    /// The gas a transfer uses: base cost, calldata and access list, nothing is executed.
    pub fn intrinsic_gas(&self) -> u64 {
        self.intrinsic_gas
    }

    /// The most the sender pays per gas: `gas_price` (legacy) or `max_fee_per_gas` (EIP-1559).
    pub fn max_fee_per_gas(&self) -> u128 {
        transfer_tx(&self.transfer).max_fee_per_gas()
    }

    /// The EIP-1559 priority fee; a legacy transaction's whole gas price is its priority fee.
    pub fn max_priority_fee_per_gas(&self) -> u128 {
        let tx = transfer_tx(&self.transfer);
        tx.max_priority_fee_per_gas()
            .unwrap_or_else(|| tx.max_fee_per_gas())
    }

    /// The price per gas, in wei, paid at the shard's base fee `base_fee` (in wei), or `None` if
    /// the transaction does not pay it: legacy pays its `gas_price`, EIP-1559 pays
    /// `min(max_fee, base_fee + priority_fee)`.
    pub fn effective_gas_price(&self, base_fee: u128) -> Option<u128> {
        let max_fee = self.max_fee_per_gas();
        if max_fee < base_fee {
            return None;
        }
        match &self.transfer {
            SignedTransfer::Legacy(_) => Some(max_fee),
            SignedTransfer::Eip1559(signed) => Some(
                base_fee
                    .saturating_add(signed.tx().max_priority_fee_per_gas)
                    .min(max_fee),
            ),
        }
    }

    /// What the sender must hold for the transaction to be valid: `value + gas_limit * max_fee`.
    pub fn max_cost(&self) -> U256 {
        let gas = U256::from(self.gas_limit()).saturating_mul(U256::from(self.max_fee_per_gas()));
        gas.saturating_add(self.value())
    }

    /// The ECDSA signature.
    pub fn signature(&self) -> &Signature {
        match &self.transfer {
            SignedTransfer::Legacy(signed) => signed.signature(),
            SignedTransfer::Eip1559(signed) => signed.signature(),
        }
    }

    /// The hash the sender signed (EIP-155 or EIP-1559 signing payload).
    pub fn signature_hash(&self) -> B256 {
        match &self.transfer {
            SignedTransfer::Legacy(signed) => signed.signature_hash(),
            SignedTransfer::Eip1559(signed) => signed.signature_hash(),
        }
    }
}

fn transfer_tx(transfer: &SignedTransfer) -> &dyn Transaction {
    match transfer {
        SignedTransfer::Legacy(signed) => signed.tx(),
        SignedTransfer::Eip1559(signed) => signed.tx(),
    }
}

/// Intrinsic gas of a transaction that calls no code (Istanbul calldata and Berlin access-list
/// prices); saturates, since a saturated value is above any gas limit.
fn intrinsic_gas(tx: &dyn Transaction) -> u64 {
    let data = tx.input().iter().fold(0u64, |gas, byte| {
        let cost = if *byte == 0 {
            TX_DATA_ZERO_GAS
        } else {
            TX_DATA_NON_ZERO_GAS
        };
        gas.saturating_add(cost)
    });
    let access_list = tx.access_list().map_or(0u64, |list| {
        list.iter().fold(0u64, |gas, item| {
            let keys = u64::try_from(item.storage_keys.len()).unwrap_or(u64::MAX);
            gas.saturating_add(ACCESS_LIST_ADDRESS_GAS)
                .saturating_add(keys.saturating_mul(ACCESS_LIST_STORAGE_KEY_GAS))
        })
    });
    TX_BASE_GAS.saturating_add(data).saturating_add(access_list)
}

#[cfg(test)]
mod tests {
    use alloy_consensus::{SignableTransaction, TxEip2930};
    use alloy_primitives::{TxKind, address, b256, hex};

    use super::*;
    use crate::recovery::recover_sender;
    use crate::signer::{TransferRequest, TransferSigner};

    /// The example transaction of EIP-155 (chain id 1, key `0x46..46`).
    const EIP155_EXAMPLE: &str = "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";
    /// Mainnet EIP-1559 transaction 0xce4dc6d7...aab31 (alloy-consensus's live-transaction test).
    const MAINNET_1559: &str = "02f86f0102843b9aca0085029e7822d68298f094d9e1459a7a482635700cbc20bbaf52d495ab9c9680841b55ba3ac080a0c199674fcb29f353693dd779c017823b954b3c69dffa3cd6b2a6ff7888798039a028ca912de909e7e6cdef9cdcaf24c54dd8c1032946dfa1d85c206b32a9064fe8";

    fn request(chain_id: u64) -> TransferRequest {
        TransferRequest {
            chain_id,
            nonce: 3,
            to: Address::repeat_byte(0x11),
            value: U256::from(1_000u64),
            gas_limit: TX_BASE_GAS,
            max_fee_per_gas: 10,
            max_priority_fee_per_gas: 2,
        }
    }

    fn sign_envelope(envelope: TxEnvelope) -> Vec<u8> {
        envelope.encoded_2718()
    }

    #[test]
    fn eip155_example_decodes_and_recovers_its_known_sender() {
        let bytes = hex::decode(EIP155_EXAMPLE).unwrap();
        let tx = ShardTransaction::decode(&bytes, 1).unwrap();
        assert_eq!(tx.chain_id(), 1);
        assert_eq!(tx.nonce(), 9);
        assert_eq!(tx.to(), Address::repeat_byte(0x35));
        assert_eq!(tx.value(), U256::from(10u64).pow(U256::from(18u64)));
        assert_eq!(tx.max_fee_per_gas(), 20_000_000_000);
        assert_eq!(tx.intrinsic_gas(), TX_BASE_GAS);
        // The signing hash EIP-155 gives for this example.
        assert_eq!(
            tx.signature_hash(),
            b256!("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")
        );
        assert_eq!(tx.hash(), keccak256(&bytes));
        assert_eq!(
            recover_sender(&tx).unwrap(),
            address!("9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")
        );
    }

    #[test]
    fn mainnet_eip1559_transaction_decodes_and_recovers() {
        let bytes = hex::decode(MAINNET_1559).unwrap();
        let tx = ShardTransaction::decode(&bytes, 1).unwrap();
        assert_eq!(
            tx.hash(),
            b256!("ce4dc6d7a7549a98ee3b071b67e970879ff51b5b95d1c340bacd80fa1e1aab31")
        );
        assert_eq!(
            tx.to(),
            address!("D9e1459A7A482635700cBc20BBAF52D495Ab9C96")
        );
        // 4 non-zero calldata bytes.
        assert_eq!(tx.intrinsic_gas(), TX_BASE_GAS + 4 * TX_DATA_NON_ZERO_GAS);
        assert_eq!(
            recover_sender(&tx).unwrap(),
            address!("001e2b7dE757bA469a57bF6b23d982458a07eFcE")
        );
    }

    #[test]
    fn signed_legacy_and_eip1559_round_trip_with_their_sender() {
        let signer = TransferSigner::from_seed(7).unwrap();
        for bytes in [
            signer.sign_legacy(&request(105)),
            signer.sign_eip1559(&request(105)),
        ] {
            let tx = ShardTransaction::decode(&bytes, 105).unwrap();
            assert_eq!(tx.encoded(), &bytes);
            assert_eq!(tx.nonce(), 3);
            assert_eq!(tx.value(), U256::from(1_000u64));
            assert_eq!(recover_sender(&tx).unwrap(), signer.address());
        }
    }

    #[test]
    fn shard_chain_id_is_base_plus_shard() {
        assert_eq!(shard_chain_id(100, 5).unwrap(), 105);
        let err = shard_chain_id(u64::MAX, 1).unwrap_err();
        assert!(!err.is_bad_data());
    }

    #[test]
    fn another_shards_chain_id_is_rejected() {
        let signer = TransferSigner::from_seed(1).unwrap();
        let bytes = signer.sign_eip1559(&request(106));
        let err = ShardTransaction::decode(&bytes, 105).unwrap_err();
        assert_eq!(
            err,
            TransactionError::WrongChainId {
                expected: 105,
                got: 106
            }
        );
        assert!(err.is_bad_data());
        let legacy = signer.sign_legacy(&request(104));
        assert!(matches!(
            ShardTransaction::decode(&legacy, 105),
            Err(TransactionError::WrongChainId { got: 104, .. })
        ));
    }

    #[test]
    fn pre_eip155_legacy_is_rejected() {
        let signer = TransferSigner::from_seed(1).unwrap();
        let tx = TxLegacy {
            chain_id: None,
            nonce: 0,
            gas_price: 1,
            gas_limit: TX_BASE_GAS,
            to: TxKind::Call(Address::ZERO),
            value: U256::ZERO,
            input: Bytes::new(),
        };
        let signature = signer.sign_hash(tx.signature_hash().0);
        let bytes = sign_envelope(tx.into_signed(signature).into());
        assert_eq!(
            ShardTransaction::decode(&bytes, 1),
            Err(TransactionError::MissingChainId)
        );
    }

    #[test]
    fn other_transaction_types_are_rejected() {
        let signer = TransferSigner::from_seed(1).unwrap();
        let tx = TxEip2930 {
            chain_id: 1,
            nonce: 0,
            gas_price: 1,
            gas_limit: TX_BASE_GAS,
            to: TxKind::Call(Address::ZERO),
            value: U256::ZERO,
            access_list: Default::default(),
            input: Bytes::new(),
        };
        let signature = signer.sign_hash(tx.signature_hash().0);
        let bytes = sign_envelope(tx.into_signed(signature).into());
        assert_eq!(
            ShardTransaction::decode(&bytes, 1),
            Err(TransactionError::UnsupportedType(1))
        );
        // 4844, 7702 and unknown types: the type byte is enough to reject them.
        for ty in [3u8, 4, 5, 0x7f] {
            let mut bytes = vec![ty];
            bytes.extend_from_slice(&hex::decode("c0").unwrap());
            let err = ShardTransaction::decode(&bytes, 1).unwrap_err();
            assert!(
                matches!(
                    err,
                    TransactionError::UnsupportedType(_) | TransactionError::Malformed(_)
                ),
                "type {ty}: {err:?}"
            );
            assert!(err.is_bad_data());
        }
        assert_eq!(
            ShardTransaction::decode(&[0x05, 0xc0], 1),
            Err(TransactionError::UnsupportedType(5))
        );
    }

    #[test]
    fn contract_creation_is_rejected() {
        let signer = TransferSigner::from_seed(1).unwrap();
        let tx = TxEip1559 {
            chain_id: 1,
            nonce: 0,
            gas_limit: 100_000,
            max_fee_per_gas: 1,
            max_priority_fee_per_gas: 1,
            to: TxKind::Create,
            value: U256::ZERO,
            access_list: Default::default(),
            input: Bytes::from_static(&[0x60, 0x00]),
        };
        let signature = signer.sign_hash(tx.signature_hash().0);
        let bytes = sign_envelope(tx.into_signed(signature).into());
        assert_eq!(
            ShardTransaction::decode(&bytes, 1),
            Err(TransactionError::ContractCreation)
        );
    }

    #[test]
    fn gas_limit_below_intrinsic_is_rejected() {
        let signer = TransferSigner::from_seed(1).unwrap();
        let mut low = request(1);
        low.gas_limit = TX_BASE_GAS - 1;
        assert_eq!(
            ShardTransaction::decode(&signer.sign_legacy(&low), 1),
            Err(TransactionError::GasLimitTooLow {
                gas_limit: TX_BASE_GAS - 1,
                intrinsic: TX_BASE_GAS
            })
        );
        let tx = TxEip1559 {
            chain_id: 1,
            nonce: 0,
            gas_limit: TX_BASE_GAS + 16,
            max_fee_per_gas: 1,
            max_priority_fee_per_gas: 1,
            to: TxKind::Call(Address::ZERO),
            value: U256::ZERO,
            access_list: Default::default(),
            input: Bytes::from_static(&[0, 1]),
        };
        let signature = signer.sign_hash(tx.signature_hash().0);
        let bytes = sign_envelope(tx.into_signed(signature).into());
        assert!(matches!(
            ShardTransaction::decode(&bytes, 1),
            Err(TransactionError::GasLimitTooLow {
                intrinsic: 21_020,
                ..
            })
        ));
    }

    #[test]
    fn priority_fee_above_max_fee_is_rejected() {
        let signer = TransferSigner::from_seed(1).unwrap();
        let mut bad = request(1);
        bad.max_priority_fee_per_gas = bad.max_fee_per_gas + 1;
        assert!(matches!(
            ShardTransaction::decode(&signer.sign_eip1559(&bad), 1),
            Err(TransactionError::PriorityFeeAboveMaxFee { .. })
        ));
    }

    #[test]
    fn malformed_and_trailing_bytes_are_rejected() {
        let bytes = hex::decode(EIP155_EXAMPLE).unwrap();
        for bad in [
            &bytes[..bytes.len() - 1],
            &[][..],
            &[0xc0][..],
            &[0x02][..],
            &[0x02, 0xc1, 0x80][..],
        ] {
            let err = ShardTransaction::decode(bad, 1).unwrap_err();
            assert!(matches!(err, TransactionError::Malformed(_)), "{err:?}");
            assert!(err.is_bad_data());
        }
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(ShardTransaction::decode(&trailing, 1).is_err());
    }

    #[test]
    fn effective_gas_price_follows_eip1559() {
        let signer = TransferSigner::from_seed(1).unwrap();
        let typed = ShardTransaction::decode(&signer.sign_eip1559(&request(1)), 1).unwrap();
        // max fee 10, priority 2.
        assert_eq!(typed.effective_gas_price(5), Some(7));
        assert_eq!(typed.effective_gas_price(9), Some(10));
        assert_eq!(typed.effective_gas_price(11), None);
        let legacy = ShardTransaction::decode(&signer.sign_legacy(&request(1)), 1).unwrap();
        assert_eq!(legacy.effective_gas_price(5), Some(10));
        assert_eq!(legacy.effective_gas_price(11), None);
        assert_eq!(legacy.max_cost(), U256::from(1_000u64 + 10 * TX_BASE_GAS));
    }
}
