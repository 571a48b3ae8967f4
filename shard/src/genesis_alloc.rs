//! Prefunded genesis accounts on every shard, derived from a BIP-39 mnemonic.
//!
//! Keys follow BIP-44 for Ethereum, `m/44'/60'/0'/0/i`, with no BIP-39 passphrase: the same
//! mnemonic imported into any Ethereum wallet (MetaMask, Foundry's `cast`, Hardhat, `eth-account`
//! with `Account.from_mnemonic`) shows the same addresses and can spend the genesis funds.
//!
//! **The scan.** An address's home shard is fixed by its bytes ([`home_shard`]), so a testnet
//! that wants `count` funded accounts on each shard walks the indices `i = 0, 1, 2, ...` in
//! order and gives each derived account to its home shard until that shard has `count`; indices
//! whose shard is already full are skipped. Shard `s` therefore holds the first `count` indices
//! whose home shard is `s`, and the result depends only on the mnemonic, `count` and the shard
//! count. Home shards are uniform, so about `count * shard_count` indices are derived, a few
//! more for the last shards to fill; the scan stops with an error after [`MAX_SCAN`] indices.

use alloy_primitives::{Address, U256};
use coins_bip32::ecdsa::SigningKey;
use coins_bip32::prelude::Parent;
use coins_bip39::{English, Mnemonic};

use crate::account::{Account, AccountState};
use crate::home_shard::{HomeShardError, home_shard};
use crate::signer::{SignerError, TransferSigner};
use crate::state_tree::StateTreeError;

/// The BIP-44 account path of Ethereum keys; index `i` is the child `i` below it.
pub const ETHEREUM_ACCOUNT_PATH: &str = "m/44'/60'/0'/0";

/// How many indices the scan derives at most before giving up on filling every shard.
pub const MAX_SCAN: u32 = 1 << 20;

/// Why genesis accounts cannot be derived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenesisAllocError {
    /// The phrase is not a BIP-39 English mnemonic (unknown word, bad length or checksum).
    #[error("invalid BIP-39 mnemonic: {0}")]
    InvalidMnemonic(String),
    /// BIP-32 derivation failed.
    #[error("key derivation failed: {0}")]
    Derivation(String),
    /// A derived key is not a valid secp256k1 secret key.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// The shard count is zero.
    #[error(transparent)]
    HomeShard(#[from] HomeShardError),
    /// [`MAX_SCAN`] indices did not give every shard its accounts.
    #[error("{scanned} derived accounts did not give every shard {count} accounts")]
    ScanExhausted {
        /// Indices derived.
        scanned: u32,
        /// Accounts asked for per shard.
        count: usize,
    },
    /// More accounts asked for than the scan may derive.
    #[error("{shard_count} shards x {count} accounts exceed the scan limit {MAX_SCAN}")]
    TooManyAccounts {
        /// The shard count.
        shard_count: u64,
        /// Accounts asked for per shard.
        count: usize,
    },
    /// The initial state cannot hold the accounts.
    #[error(transparent)]
    State(#[from] StateTreeError),
}

/// One prefunded account: its key, where it was derived and which shard holds it.
#[derive(Debug, Clone)]
pub struct GenesisAccount {
    /// The BIP-44 index `i` of `m/44'/60'/0'/0/i`.
    pub derivation_index: u32,
    /// The account's home shard.
    pub shard: u64,
    /// Its balance at genesis, in wei.
    pub balance: U256,
    /// Its key; `signer.address()` is its address.
    pub signer: TransferSigner,
}

impl GenesisAccount {
    /// The account's address.
    pub fn address(&self) -> Address {
        self.signer.address()
    }
}

/// The prefunded accounts of every shard, `shards[s]` in derivation order.
#[derive(Debug, Clone)]
pub struct GenesisAllocation {
    /// The accounts of each shard.
    pub shards: Vec<Vec<GenesisAccount>>,
}

impl GenesisAllocation {
    /// The initial account state of `shard` (empty for a shard it does not know).
    pub fn account_state(&self, shard: u64) -> Result<AccountState, StateTreeError> {
        let accounts = usize::try_from(shard)
            .ok()
            .and_then(|index| self.shards.get(index))
            .map_or(&[][..], Vec::as_slice);
        initial_account_state(accounts)
    }

    /// The initial account state of every shard, in shard order.
    pub fn account_states(&self) -> Result<Vec<AccountState>, StateTreeError> {
        self.shards
            .iter()
            .map(|accounts| initial_account_state(accounts))
            .collect()
    }
}

/// The account state holding `accounts` with their genesis balances and nonce 0.
pub fn initial_account_state(accounts: &[GenesisAccount]) -> Result<AccountState, StateTreeError> {
    AccountState::from_accounts(accounts.iter().map(|account| {
        (
            account.address(),
            Account {
                balance: account.balance,
                nonce: 0,
            },
        )
    }))
}

/// The keys of `m/44'/60'/0'/0/i` for a mnemonic, derived one index after another.
pub struct MnemonicKeys {
    account: coins_bip32::xkeys::XPriv,
}

impl std::fmt::Debug for MnemonicKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MnemonicKeys").finish_non_exhaustive()
    }
}

impl MnemonicKeys {
    /// Checks the mnemonic and derives its Ethereum account node (no BIP-39 passphrase).
    pub fn new(mnemonic: &str) -> Result<Self, GenesisAllocError> {
        let phrase = Mnemonic::<English>::new_from_phrase(mnemonic.trim())
            .map_err(|err| GenesisAllocError::InvalidMnemonic(err.to_string()))?;
        let account = phrase
            .derive_key(ETHEREUM_ACCOUNT_PATH, None)
            .map_err(|err| GenesisAllocError::Derivation(err.to_string()))?;
        Ok(Self { account })
    }

    /// The key of `m/44'/60'/0'/0/index`.
    pub fn signer(&self, index: u32) -> Result<TransferSigner, GenesisAllocError> {
        let child = self
            .account
            .derive_child(index)
            .map_err(|err| GenesisAllocError::Derivation(err.to_string()))?;
        let key: &SigningKey = child.as_ref();
        Ok(TransferSigner::from_bytes(key.to_bytes().into())?)
    }
}

/// `count_per_shard` accounts holding `balance` wei on each of `shard_count` shards, picked by
/// the scan described in the module docs.
pub fn genesis_accounts(
    mnemonic: &str,
    count_per_shard: usize,
    balance: U256,
    shard_count: u64,
) -> Result<GenesisAllocation, GenesisAllocError> {
    home_shard(&Address::ZERO, shard_count)?;
    let too_many = GenesisAllocError::TooManyAccounts {
        shard_count,
        count: count_per_shard,
    };
    let shards_len = usize::try_from(shard_count).map_err(|_| too_many.clone())?;
    let mut missing = shards_len.saturating_mul(count_per_shard);
    if shards_len > MAX_SCAN as usize || missing > MAX_SCAN as usize {
        return Err(too_many);
    }
    let keys = MnemonicKeys::new(mnemonic)?;
    let mut shards: Vec<Vec<GenesisAccount>> = vec![Vec::new(); shards_len];
    let mut index = 0u32;
    while missing > 0 {
        if index >= MAX_SCAN {
            return Err(GenesisAllocError::ScanExhausted {
                scanned: index,
                count: count_per_shard,
            });
        }
        let signer = keys.signer(index)?;
        let shard = home_shard(&signer.address(), shard_count)?;
        let slot = usize::try_from(shard)
            .ok()
            .and_then(|slot| shards.get_mut(slot));
        if let Some(accounts) = slot
            && accounts.len() < count_per_shard
        {
            accounts.push(GenesisAccount {
                derivation_index: index,
                shard,
                balance,
                signer,
            });
            missing = missing.saturating_sub(1);
        }
        index = index.saturating_add(1);
    }
    Ok(GenesisAllocation { shards })
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;

    use super::*;

    const TEST_MNEMONIC: &str = "test test test test test test test test test test test junk";

    #[test]
    fn the_well_known_test_mnemonic_gives_the_well_known_accounts() {
        let keys = MnemonicKeys::new(TEST_MNEMONIC).unwrap();
        let expected = [
            address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
            address!("70997970C51812dc3A010C7d01b50e0d17dc79C8"),
            address!("3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
        ];
        for (i, expected) in expected.into_iter().enumerate() {
            assert_eq!(keys.signer(i as u32).unwrap().address(), expected);
        }
        // Index 0's secret key, as every Ethereum development tool prints it.
        let secret =
            hex::decode("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
                .unwrap();
        let from_secret = TransferSigner::from_bytes(secret.try_into().unwrap()).unwrap();
        let derived = keys.signer(0).unwrap();
        // RFC 6979 signatures are deterministic: equal signatures mean equal keys.
        assert_eq!(derived.sign_hash([7; 32]), from_secret.sign_hash([7; 32]));
    }

    fn expected_index0() -> Address {
        address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
    }

    #[test]
    fn one_shard_takes_the_first_indices() {
        let balance = U256::from(10u64).pow(U256::from(21u64));
        let alloc = genesis_accounts(TEST_MNEMONIC, 3, balance, 1).unwrap();
        assert_eq!(alloc.shards.len(), 1);
        let indices: Vec<u32> = alloc.shards[0].iter().map(|a| a.derivation_index).collect();
        assert_eq!(indices, vec![0, 1, 2]);
        assert_eq!(alloc.shards[0][0].address(), expected_index0());
        let state = alloc.account_state(0).unwrap();
        assert_eq!(state.len(), 3);
        assert_eq!(
            state.get(&expected_index0()),
            Some(Account { balance, nonce: 0 })
        );
        assert!(alloc.account_state(1).unwrap().is_empty());
    }

    #[test]
    fn each_shard_gets_the_first_indices_whose_home_it_is() {
        let shard_count = 4;
        let count = 3;
        let alloc = genesis_accounts(TEST_MNEMONIC, count, U256::from(7u64), shard_count).unwrap();
        // Independent model: derive indices in order, group by home shard, take the first three.
        let keys = MnemonicKeys::new(TEST_MNEMONIC).unwrap();
        let mut model: Vec<Vec<(u32, Address)>> = vec![Vec::new(); 4];
        let mut i = 0;
        while model.iter().any(|m| m.len() < count) {
            let address = keys.signer(i).unwrap().address();
            let shard = home_shard(&address, shard_count).unwrap() as usize;
            if model[shard].len() < count {
                model[shard].push((i, address));
            }
            i += 1;
        }
        let states = alloc.account_states().unwrap();
        for (shard, accounts) in alloc.shards.iter().enumerate() {
            let got: Vec<(u32, Address)> = accounts
                .iter()
                .map(|a| (a.derivation_index, a.address()))
                .collect();
            assert_eq!(got, model[shard]);
            assert!(accounts.iter().all(|a| a.shard == shard as u64));
            assert_eq!(states[shard].len(), count);
            assert_eq!(states[shard].total_balance(), U256::from(7u64 * 3));
        }
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        assert!(matches!(
            genesis_accounts(
                "test test test test test test test test test test test test",
                1,
                U256::ZERO,
                2
            ),
            Err(GenesisAllocError::InvalidMnemonic(_))
        ));
        assert!(matches!(
            genesis_accounts("not a mnemonic", 1, U256::ZERO, 2),
            Err(GenesisAllocError::InvalidMnemonic(_))
        ));
        assert!(matches!(
            genesis_accounts(TEST_MNEMONIC, 1, U256::ZERO, 0),
            Err(GenesisAllocError::HomeShard(HomeShardError::NoShards))
        ));
        assert!(matches!(
            genesis_accounts(TEST_MNEMONIC, usize::MAX, U256::ZERO, 2),
            Err(GenesisAllocError::TooManyAccounts { .. })
        ));
        let empty = genesis_accounts(TEST_MNEMONIC, 0, U256::ZERO, 3).unwrap();
        assert!(empty.shards.iter().all(Vec::is_empty));
    }
}
