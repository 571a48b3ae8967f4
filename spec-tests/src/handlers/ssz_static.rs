//! The `ssz_static` runner: every phase 1 container against its vectors (`minimal` preset).
//!
//! Each case gives `serialized.ssz`, `value.yaml` and `roots.yaml`. A case passes when the bytes
//! decode, re-encode to the same bytes, hash to the given root, and the YAML value read with our
//! serde (which takes bare integers as well as the API's quoted ones) equals the decoded value.

use primitives::MinimalEthSpec;
use primitives::types::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use ssz::{Decode, Encode};
use tree_hash::TreeHash;

use crate::{Case, CaseError, Handler, Outcome};

#[derive(Deserialize)]
struct Roots {
    root: Hash256,
}

/// Runs one `ssz_static` case for the container `T`.
pub fn ssz_static<T>(case: &Case) -> Result<Outcome, CaseError>
where
    T: Encode + Decode + TreeHash + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let bytes = case.bytes("serialized.ssz")?;
    let decoded: T = case.ssz("serialized.ssz")?;
    let encoded = decoded.as_ssz_bytes();
    if encoded != bytes {
        return Err(CaseError::mismatch(
            "re-encoding",
            hex::encode(&bytes),
            hex::encode(&encoded),
        ));
    }
    let roots: Roots = case.yaml("roots.yaml")?;
    let root = decoded.tree_hash_root();
    if root != roots.root {
        return Err(CaseError::mismatch("hash_tree_root", roots.root, root));
    }
    let value: T = case.yaml("value.yaml")?;
    if value != decoded {
        return Err(CaseError::mismatch("value.yaml", value, decoded));
    }
    Ok(Outcome::Passed)
}

macro_rules! handlers {
    ($($name:literal => $t:ty),* $(,)?) => {
        /// The handlers of this runner.
        pub static HANDLERS: &[Handler] = &[
            $(Handler {
                preset: "minimal",
                fork: "phase1",
                runner: "ssz_static",
                handler: $name,
                run: ssz_static::<$t>,
            }),*
        ];
    };
}

handlers! {

    "AggregateAndProof" => AggregateAndProof<MinimalEthSpec>,
    "Attestation" => Attestation<MinimalEthSpec>,
    "AttestationData" => AttestationData,
    "AttesterSlashing" => AttesterSlashing<MinimalEthSpec>,
    "BeaconBlock" => BeaconBlock<MinimalEthSpec>,
    "BeaconBlockBody" => BeaconBlockBody<MinimalEthSpec>,
    "BeaconBlockHeader" => BeaconBlockHeader,
    "BeaconState" => BeaconState<MinimalEthSpec>,
    "Checkpoint" => Checkpoint,
    "CompactCommittee" => CompactCommittee<MinimalEthSpec>,
    "CustodyChunkChallenge" => CustodyChunkChallenge<MinimalEthSpec>,
    "CustodyChunkChallengeRecord" => CustodyChunkChallengeRecord,
    "CustodyChunkResponse" => CustodyChunkResponse<MinimalEthSpec>,
    "CustodyKeyReveal" => CustodyKeyReveal,
    "CustodySlashing" => CustodySlashing<MinimalEthSpec>,
    "Deposit" => Deposit,
    "DepositData" => DepositData,
    "DepositMessage" => DepositMessage,
    "EarlyDerivedSecretReveal" => EarlyDerivedSecretReveal,
    "Eth1Block" => Eth1Block,
    "Eth1Data" => Eth1Data,
    "Fork" => Fork,
    "ForkData" => ForkData,
    "FullAttestation" => FullAttestation<MinimalEthSpec>,
    "FullAttestationData" => FullAttestationData<MinimalEthSpec>,
    "HistoricalBatch" => HistoricalBatch<MinimalEthSpec>,
    "IndexedAttestation" => IndexedAttestation<MinimalEthSpec>,
    "LightAggregateAndProof" => LightAggregateAndProof<MinimalEthSpec>,
    "LightClientVote" => LightClientVote<MinimalEthSpec>,
    "LightClientVoteData" => LightClientVoteData,
    "PendingAttestation" => PendingAttestation<MinimalEthSpec>,
    "ProposerSlashing" => ProposerSlashing,
    "ShardBlock" => ShardBlock<MinimalEthSpec>,
    "ShardBlockHeader" => ShardBlockHeader,
    "ShardState" => ShardState,
    "ShardTransition" => ShardTransition<MinimalEthSpec>,
    "SignedAggregateAndProof" => SignedAggregateAndProof<MinimalEthSpec>,
    "SignedBeaconBlock" => SignedBeaconBlock<MinimalEthSpec>,
    "SignedBeaconBlockHeader" => SignedBeaconBlockHeader,
    "SignedCustodySlashing" => SignedCustodySlashing<MinimalEthSpec>,
    "SignedLightAggregateAndProof" => SignedLightAggregateAndProof<MinimalEthSpec>,
    "SignedShardBlock" => SignedShardBlock<MinimalEthSpec>,
    "SignedVoluntaryExit" => SignedVoluntaryExit,
    "SigningData" => SigningData,
    "Validator" => Validator,
    "VoluntaryExit" => VoluntaryExit,
}
