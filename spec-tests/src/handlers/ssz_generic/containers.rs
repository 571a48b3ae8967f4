//! The test containers of the `ssz_generic/containers` vectors.
//!
//! They are defined by the consensus-spec-tests generator (`ssz_generic/ssz_container.py`),
//! not by the spec; the field names there are `A`, `B`, ... and are what `value.yaml` uses.

use serde_yaml_ng::Value;
use ssz_derive::{Decode, Encode};
use ssz_types::{BitList, BitVector, FixedVector, VariableList};
use tree_hash_derive::TreeHash;
use typenum::{U1, U2, U4, U5, U6, U8, U128, U256, U1024};

use super::yaml::{YamlView, container, hex_bytes};

/// `SingleFieldTestStruct` of the generator.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
pub struct SingleFieldTestStruct {
    /// `A: byte`.
    pub a: u8,
}

/// `SmallTestStruct` of the generator.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
pub struct SmallTestStruct {
    /// `A: uint16`.
    pub a: u16,
    /// `B: uint16`.
    pub b: u16,
}

/// `FixedTestStruct` of the generator.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
pub struct FixedTestStruct {
    /// `A: uint8`.
    pub a: u8,
    /// `B: uint64`.
    pub b: u64,
    /// `C: uint32`.
    pub c: u32,
}

/// `VarTestStruct` of the generator.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
pub struct VarTestStruct {
    /// `A: uint16`.
    pub a: u16,
    /// `B: List[uint16, 1024]`.
    pub b: VariableList<u16, U1024>,
    /// `C: uint8`.
    pub c: u8,
}

/// `ComplexTestStruct` of the generator.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
pub struct ComplexTestStruct {
    /// `A: uint16`.
    pub a: u16,
    /// `B: List[uint16, 128]`.
    pub b: VariableList<u16, U128>,
    /// `C: uint8`.
    pub c: u8,
    /// `D: ByteList[256]`.
    pub d: VariableList<u8, U256>,
    /// `E: VarTestStruct`.
    pub e: VarTestStruct,
    /// `F: Vector[FixedTestStruct, 4]`.
    pub f: FixedVector<FixedTestStruct, U4>,
    /// `G: Vector[VarTestStruct, 2]`.
    pub g: FixedVector<VarTestStruct, U2>,
}

/// `BitsStruct` of the generator.
#[derive(Debug, Clone, PartialEq, Encode, Decode, TreeHash)]
pub struct BitsStruct {
    /// `A: Bitlist[5]`.
    pub a: BitList<U5>,
    /// `B: Bitvector[2]`.
    pub b: BitVector<U2>,
    /// `C: Bitvector[1]`.
    pub c: BitVector<U1>,
    /// `D: Bitlist[6]`.
    pub d: BitList<U6>,
    /// `E: Bitvector[8]`.
    pub e: BitVector<U8>,
}

impl YamlView for SingleFieldTestStruct {
    fn to_yaml(&self) -> Value {
        container([("A", self.a.to_yaml())])
    }
}

impl YamlView for SmallTestStruct {
    fn to_yaml(&self) -> Value {
        container([("A", self.a.to_yaml()), ("B", self.b.to_yaml())])
    }
}

impl YamlView for FixedTestStruct {
    fn to_yaml(&self) -> Value {
        container([
            ("A", self.a.to_yaml()),
            ("B", self.b.to_yaml()),
            ("C", self.c.to_yaml()),
        ])
    }
}

impl YamlView for VarTestStruct {
    fn to_yaml(&self) -> Value {
        container([
            ("A", self.a.to_yaml()),
            ("B", self.b.to_yaml()),
            ("C", self.c.to_yaml()),
        ])
    }
}

impl YamlView for ComplexTestStruct {
    fn to_yaml(&self) -> Value {
        container([
            ("A", self.a.to_yaml()),
            ("B", self.b.to_yaml()),
            ("C", self.c.to_yaml()),
            // A `ByteList` is written as hex, unlike a `List[uint8, N]`.
            ("D", hex_bytes(&self.d)),
            ("E", self.e.to_yaml()),
            ("F", self.f.to_yaml()),
            ("G", self.g.to_yaml()),
        ])
    }
}

impl YamlView for BitsStruct {
    fn to_yaml(&self) -> Value {
        container([
            ("A", self.a.to_yaml()),
            ("B", self.b.to_yaml()),
            ("C", self.c.to_yaml()),
            ("D", self.d.to_yaml()),
            ("E", self.e.to_yaml()),
        ])
    }
}
