//! What the commands that talk to a node read about its network first: the node's URL checked,
//! the spec constants they sign with, and the genesis, so that nothing about the network is
//! assumed.

use alloy_primitives::Address;
use anyhow::{Context, bail};
use primitives::types::{DomainType, Root, Version};
use testnet::NodeClient;

/// The constants of the node's network that staking, exits and transfers depend on.
#[derive(Debug, Clone)]
pub struct Network {
    /// `BASE_CHAIN_ID`: shard `s` signs with `base + s`.
    pub base_chain_id: u64,
    /// `INITIAL_ACTIVE_SHARDS`.
    pub active_shards: u64,
    /// `SLOTS_PER_EPOCH`.
    pub slots_per_epoch: u64,
    /// `SECONDS_PER_SLOT`.
    pub seconds_per_slot: f64,
    /// `MAX_GASPRICE`, in Gwei.
    pub max_gasprice_gwei: u64,
    /// `DEPOSIT_CONTRACT_ADDRESS` (on shard 0).
    pub deposit_contract: Address,
    /// `DOMAIN_DEPOSIT`.
    pub domain_deposit: DomainType,
    /// `DOMAIN_VOLUNTARY_EXIT`.
    pub domain_voluntary_exit: DomainType,
    /// `BLS_WITHDRAWAL_PREFIX`.
    pub bls_withdrawal_prefix: u8,
    /// The activation queue's constants.
    pub churn: testnet::staking::ChurnParams,
    /// The genesis fork version.
    pub genesis_fork_version: Version,
    /// The genesis validators root.
    pub genesis_validators_root: Root,
}

/// A client of the node at `url`, refusing what is not an `http://` URL with a host.
pub fn client(url: &str) -> anyhow::Result<NodeClient> {
    let Some(rest) = url.strip_prefix("http://") else {
        bail!("node URL `{url}` must start with http://");
    };
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.contains(char::is_whitespace) {
        bail!("node URL `{url}` has no host");
    }
    Ok(NodeClient::new(url))
}

impl Network {
    /// Reads the network of the node behind `client`.
    pub fn fetch(client: &NodeClient) -> anyhow::Result<Self> {
        let spec = client
            .spec()
            .with_context(|| format!("reading the network of {}", client.base_url()))?;
        let genesis = client.genesis().context("reading the genesis")?;
        let int = |name: &str| NodeClient::spec_u64(&spec, name);
        let bytes4 = |name: &str| NodeClient::spec_bytes4(&spec, name);
        let text = |name: &str| NodeClient::spec_value(&spec, name);
        let seconds_per_slot: f64 = text("SECONDS_PER_SLOT")?
            .parse()
            .context("SECONDS_PER_SLOT is not a number")?;
        let deposit_contract: Address = text("DEPOSIT_CONTRACT_ADDRESS")?
            .parse()
            .context("DEPOSIT_CONTRACT_ADDRESS is not an address")?;
        let prefix = text("BLS_WITHDRAWAL_PREFIX")?;
        let bls_withdrawal_prefix = u8::from_str_radix(prefix.trim_start_matches("0x"), 16)
            .with_context(|| format!("BLS_WITHDRAWAL_PREFIX `{prefix}`"))?;
        let genesis_fork_version = testnet::client::parse_bytes4(&genesis.genesis_fork_version)
            .with_context(|| format!("genesis fork version `{}`", genesis.genesis_fork_version))?;
        Ok(Self {
            base_chain_id: int("BASE_CHAIN_ID")?,
            active_shards: int("INITIAL_ACTIVE_SHARDS")?,
            slots_per_epoch: int("SLOTS_PER_EPOCH")?.max(1),
            seconds_per_slot,
            max_gasprice_gwei: int("MAX_GASPRICE")?,
            deposit_contract,
            domain_deposit: bytes4("DOMAIN_DEPOSIT")?,
            domain_voluntary_exit: bytes4("DOMAIN_VOLUNTARY_EXIT")?,
            bls_withdrawal_prefix,
            churn: testnet::staking::ChurnParams {
                min_per_epoch_churn_limit: int("MIN_PER_EPOCH_CHURN_LIMIT")?,
                churn_limit_quotient: int("CHURN_LIMIT_QUOTIENT")?,
                max_seed_lookahead: int("MAX_SEED_LOOKAHEAD")?,
                epochs_per_eth1_voting_period: int("EPOCHS_PER_ETH1_VOTING_PERIOD")?,
            },
            genesis_fork_version,
            genesis_validators_root: genesis.genesis_validators_root,
        })
    }

    /// The chain id of `shard`.
    pub fn chain_id(&self, shard: u64) -> anyhow::Result<u64> {
        if shard >= self.active_shards {
            bail!(
                "no shard {shard}: the network has {} active shards",
                self.active_shards
            );
        }
        Ok(self.base_chain_id + shard)
    }

    /// The max fee per gas transactions offer, in wei: the chain's `MAX_GASPRICE`, so that
    /// they are included whatever the shard's gas price.
    pub fn max_fee_per_gas(&self) -> u128 {
        u128::from(self.max_gasprice_gwei) * 1_000_000_000
    }

    /// The epoch of `slot`.
    pub fn epoch_of(&self, slot: u64) -> u64 {
        slot / self.slots_per_epoch
    }

    /// Seconds in `epochs` epochs.
    pub fn epochs_to_secs(&self, epochs: u64) -> f64 {
        epochs as f64 * self.slots_per_epoch as f64 * self.seconds_per_slot
    }
}
