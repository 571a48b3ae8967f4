//! The `ssz_generic` runner: SSZ decoding, encoding and hash tree roots of generic types.
//!
//! The type of a case is named by the case directory (`vec_uint16_5_random` is
//! `Vector[uint16, 5]`, `bitlist_8_but_9` is `Bitlist[8]`, `uint_256_max_0` is `uint256`,
//! `ComplexTestStruct_nil_0` is that container). Each handler parses the name and maps it to a
//! concrete Rust type; a name that maps to no type fails the case.

mod check;
mod containers;
mod yaml;

use alloy_primitives::{U128, U256};
use ssz_types::{BitList, BitVector, FixedVector};

use self::check::{Suite, check};
use self::containers::{
    BitsStruct, ComplexTestStruct, FixedTestStruct, SingleFieldTestStruct, SmallTestStruct,
    VarTestStruct,
};
use crate::{Case, CaseError, Handler, Outcome};

/// The handlers of this runner.
pub static HANDLERS: &[Handler] = &[
    handler("basic_vector", basic_vector),
    handler("bitlist", bitlist),
    handler("bitvector", bitvector),
    handler("boolean", boolean),
    handler("containers", containers),
    handler("uints", uints),
];

const fn handler(name: &'static str, run: crate::CaseFn) -> Handler {
    Handler {
        preset: "general",
        fork: "phase0",
        runner: "ssz_generic",
        handler: name,
        run,
    }
}

/// Evaluates `$body` with the type `$n` bound to the `typenum` constant of the decimal length
/// `$len`, or `$otherwise` when the length is not one the vectors use.
macro_rules! with_length {
    ($len:expr, $n:ident => $body:expr, $otherwise:expr) => {
        with_length!(@arms $len, $n, $body, $otherwise;
            "0" U0, "1" U1, "2" U2, "3" U3, "4" U4, "5" U5, "8" U8, "9" U9, "16" U16,
            "31" U31, "32" U32, "512" U512, "513" U513)
    };
    (@arms $len:expr, $n:ident, $body:expr, $otherwise:expr; $($lit:literal $u:ident),*) => {
        match $len {
            $($lit => {
                type $n = typenum::$u;
                $body
            })*
            _ => $otherwise,
        }
    };
}

/// Every length `with_length!` knows, for the bitlist cases that name none.
const LENGTHS: &[&str] = &[
    "0", "1", "2", "3", "4", "5", "8", "9", "16", "31", "32", "512", "513",
];

/// The suite of a case and its name within the suite.
fn suite_and_name(case: &Case) -> Result<(Suite, &str), CaseError> {
    let (suite, name) = case
        .name
        .split_once('/')
        .ok_or_else(|| CaseError::Unexpected(format!("case {} has no suite", case.name)))?;
    let suite = match suite {
        "valid" => Suite::Valid,
        "invalid" => Suite::Invalid,
        other => return Err(CaseError::Unexpected(format!("unknown suite {other}"))),
    };
    Ok((suite, name))
}

fn unknown(name: &str) -> CaseError {
    CaseError::Unexpected(format!("the case name {name} names no known SSZ type"))
}

/// `vec_<elem>_<length>_...`: `Vector[elem, length]` of a basic type.
fn basic_vector(case: &Case) -> Result<Outcome, CaseError> {
    let (suite, name) = suite_and_name(case)?;
    let mut parts = name.split('_');
    let (Some("vec"), Some(elem), Some(len)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(unknown(name));
    };
    with_length!(len, N => match elem {
        "bool" => check::<FixedVector<bool, N>>(case, suite),
        "uint8" => check::<FixedVector<u8, N>>(case, suite),
        "uint16" => check::<FixedVector<u16, N>>(case, suite),
        "uint32" => check::<FixedVector<u32, N>>(case, suite),
        "uint64" => check::<FixedVector<u64, N>>(case, suite),
        "uint128" => check::<FixedVector<U128, N>>(case, suite),
        "uint256" => check::<FixedVector<U256, N>>(case, suite),
        _ => Err(unknown(name)),
    }, Err(unknown(name)))
}

/// `bitlist_<limit>_...` (`bitlist_<limit>_but_<n>` for too long ones): `Bitlist[limit]`.
fn bitlist(case: &Case) -> Result<Outcome, CaseError> {
    let (suite, name) = suite_and_name(case)?;
    let mut parts = name.split('_');
    let (Some("bitlist"), Some(limit)) = (parts.next(), parts.next()) else {
        return Err(unknown(name));
    };
    if suite == Suite::Invalid && name.starts_with("bitlist_no_delimiter_") {
        // These name no limit: bytes without the length bit must be rejected at any limit.
        for limit in LENGTHS {
            with_length!(*limit, N => check::<BitList<N>>(case, suite), Err(unknown(name)))?;
        }
        return Ok(Outcome::Passed);
    }
    with_length!(limit, N => check::<BitList<N>>(case, suite), Err(unknown(name)))
}

/// `bitvec_<length>_...`: `Bitvector[length]`.
fn bitvector(case: &Case) -> Result<Outcome, CaseError> {
    let (suite, name) = suite_and_name(case)?;
    let mut parts = name.split('_');
    let (Some("bitvec"), Some(len)) = (parts.next(), parts.next()) else {
        return Err(unknown(name));
    };
    with_length!(len, N => check::<BitVector<N>>(case, suite), Err(unknown(name)))
}

/// `true`, `false` and the invalid `byte_...`: `boolean`.
fn boolean(case: &Case) -> Result<Outcome, CaseError> {
    let (suite, name) = suite_and_name(case)?;
    match (suite, name) {
        (Suite::Valid, "true" | "false") => check::<bool>(case, suite),
        (Suite::Invalid, _) if name.starts_with("byte_") => check::<bool>(case, suite),
        _ => Err(unknown(name)),
    }
}

/// `uint_<bits>_...`: `uint<bits>`.
fn uints(case: &Case) -> Result<Outcome, CaseError> {
    let (suite, name) = suite_and_name(case)?;
    let mut parts = name.split('_');
    let (Some("uint"), Some(bits)) = (parts.next(), parts.next()) else {
        return Err(unknown(name));
    };
    match bits {
        "8" => check::<u8>(case, suite),
        "16" => check::<u16>(case, suite),
        "32" => check::<u32>(case, suite),
        "64" => check::<u64>(case, suite),
        "128" => check::<U128>(case, suite),
        "256" => check::<U256>(case, suite),
        _ => Err(unknown(name)),
    }
}

/// `<Container>_...`: one of the generator's test containers.
fn containers(case: &Case) -> Result<Outcome, CaseError> {
    let (suite, name) = suite_and_name(case)?;
    match name.split('_').next() {
        Some("SingleFieldTestStruct") => check::<SingleFieldTestStruct>(case, suite),
        Some("SmallTestStruct") => check::<SmallTestStruct>(case, suite),
        Some("FixedTestStruct") => check::<FixedTestStruct>(case, suite),
        Some("VarTestStruct") => check::<VarTestStruct>(case, suite),
        Some("ComplexTestStruct") => check::<ComplexTestStruct>(case, suite),
        Some("BitsStruct") => check::<BitsStruct>(case, suite),
        _ => Err(unknown(name)),
    }
}
