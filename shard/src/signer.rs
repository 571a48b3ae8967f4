//! Signing of shard transfers with a secp256k1 key, as a wallet does it.
//!
//! The node never signs transactions; this exists for the load generator, tests and benchmarks,
//! which need transactions that any Ethereum node would accept. Signatures are deterministic
//! (RFC 6979) and low-s, as libsecp256k1 produces them.

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, Signature, TxKind, U256, keccak256};
use secp256k1::{Message, PublicKey, Secp256k1, SecretKey};

/// Why a signing key cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignerError {
    /// The 32 bytes are zero or not below the curve order.
    #[error("secret key out of range")]
    InvalidSecretKey,
}

/// A secp256k1 key that signs legacy (EIP-155) and EIP-1559 transfers.
#[derive(Clone)]
pub struct TransferSigner {
    secret: SecretKey,
    address: Address,
}

impl std::fmt::Debug for TransferSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferSigner")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

/// The fields of a transfer that a signer fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferRequest {
    /// The chain id (`base_chain_id + shard`).
    pub chain_id: u64,
    /// The sender's nonce.
    pub nonce: u64,
    /// The recipient.
    pub to: Address,
    /// The value in wei.
    pub value: U256,
    /// The gas limit.
    pub gas_limit: u64,
    /// Legacy: the gas price; EIP-1559: the max fee per gas.
    pub max_fee_per_gas: u128,
    /// EIP-1559 priority fee (ignored by legacy transactions).
    pub max_priority_fee_per_gas: u128,
}

impl TransferSigner {
    /// A signer from a 32-byte secret key.
    pub fn from_bytes(secret: [u8; 32]) -> Result<Self, SignerError> {
        let secret =
            SecretKey::from_byte_array(secret).map_err(|_| SignerError::InvalidSecretKey)?;
        let public = PublicKey::from_secret_key(&Secp256k1::signing_only(), &secret);
        let uncompressed = public.serialize_uncompressed();
        let key = uncompressed.get(1..).ok_or(SignerError::InvalidSecretKey)?;
        Ok(Self {
            secret,
            address: Address::from_word(keccak256(key)),
        })
    }

    /// A deterministic signer for test accounts: the secret key is `keccak256(le64(seed))`.
    pub fn from_seed(seed: u64) -> Result<Self, SignerError> {
        Self::from_bytes(keccak256(seed.to_le_bytes()).0)
    }

    /// The address of this key.
    pub fn address(&self) -> Address {
        self.address
    }

    /// Signs a legacy transfer with EIP-155 replay protection; returns its EIP-2718 bytes.
    pub fn sign_legacy(&self, request: &TransferRequest) -> Bytes {
        self.sign_legacy_call(request, Bytes::new())
    }

    /// Signs a legacy EIP-155 transaction carrying `input` as calldata (a deposit).
    pub fn sign_legacy_call(&self, request: &TransferRequest, input: Bytes) -> Bytes {
        let tx = TxLegacy {
            chain_id: Some(request.chain_id),
            nonce: request.nonce,
            gas_price: request.max_fee_per_gas,
            gas_limit: request.gas_limit,
            to: TxKind::Call(request.to),
            value: request.value,
            input,
        };
        let signature = self.sign_hash(tx.signature_hash().0);
        TxEnvelope::from(tx.into_signed(signature))
            .encoded_2718()
            .into()
    }

    /// Signs an EIP-1559 transfer; returns its EIP-2718 bytes.
    pub fn sign_eip1559(&self, request: &TransferRequest) -> Bytes {
        self.sign_eip1559_call(request, Bytes::new())
    }

    /// Signs an EIP-1559 transaction carrying `input` as calldata (a deposit).
    pub fn sign_eip1559_call(&self, request: &TransferRequest, input: Bytes) -> Bytes {
        let tx = TxEip1559 {
            chain_id: request.chain_id,
            nonce: request.nonce,
            gas_limit: request.gas_limit,
            max_fee_per_gas: request.max_fee_per_gas,
            max_priority_fee_per_gas: request.max_priority_fee_per_gas,
            to: TxKind::Call(request.to),
            value: request.value,
            access_list: Default::default(),
            input,
        };
        let signature = self.sign_hash(tx.signature_hash().0);
        TxEnvelope::from(tx.into_signed(signature))
            .encoded_2718()
            .into()
    }

    /// Signs a 32-byte hash, returning an Ethereum `(r, s, y_parity)` signature.
    pub fn sign_hash(&self, hash: [u8; 32]) -> Signature {
        let secp = Secp256k1::signing_only();
        let signature = secp.sign_ecdsa_recoverable(Message::from_digest(hash), &self.secret);
        let (recovery_id, compact) = signature.serialize_compact();
        let y_parity = i32::from(recovery_id) == 1;
        Signature::from_bytes_and_parity(&compact, y_parity)
    }
}
