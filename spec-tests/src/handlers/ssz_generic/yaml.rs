//! The YAML form of a decoded SSZ value, as the vectors' `value.yaml` writes it.
//!
//! The generator writes uint8..uint64 as YAML integers, uint128 and uint256 as decimal strings
//! (YAML integers would lose precision in many parsers), booleans as YAML booleans, bitfields
//! and byte lists as `0x`-prefixed hex of their SSZ bytes, vectors and lists as sequences and
//! containers as mappings keyed by field name.

use alloy_primitives::{U128, U256};
use serde_yaml_ng::{Mapping, Number, Value};
use ssz::Encode;
use ssz_types::{BitList, BitVector, FixedVector, VariableList};
use typenum::Unsigned;

/// A value that can be compared with the contents of a `value.yaml`.
pub trait YamlView {
    /// The YAML value the vectors' generator writes for `self`.
    fn to_yaml(&self) -> Value;
}

impl YamlView for bool {
    fn to_yaml(&self) -> Value {
        Value::Bool(*self)
    }
}

macro_rules! small_uint_yaml {
    ($($t:ty),*) => {$(
        impl YamlView for $t {
            fn to_yaml(&self) -> Value {
                Value::Number(Number::from(*self))
            }
        }
    )*};
}

small_uint_yaml!(u8, u16, u32, u64);

impl YamlView for U128 {
    fn to_yaml(&self) -> Value {
        Value::String(self.to_string())
    }
}

impl YamlView for U256 {
    fn to_yaml(&self) -> Value {
        Value::String(self.to_string())
    }
}

impl<T: YamlView, N: Unsigned> YamlView for FixedVector<T, N> {
    fn to_yaml(&self) -> Value {
        Value::Sequence(self.iter().map(YamlView::to_yaml).collect())
    }
}

impl<T: YamlView, N: Unsigned> YamlView for VariableList<T, N> {
    fn to_yaml(&self) -> Value {
        Value::Sequence(self.iter().map(YamlView::to_yaml).collect())
    }
}

impl<N: Unsigned + Clone> YamlView for BitList<N> {
    fn to_yaml(&self) -> Value {
        hex_bytes(&self.as_ssz_bytes())
    }
}

impl<N: Unsigned + Clone> YamlView for BitVector<N> {
    fn to_yaml(&self) -> Value {
        hex_bytes(&self.as_ssz_bytes())
    }
}

/// The YAML form of a byte string (`ByteList`, `ByteVector`): `0x`-prefixed hex.
pub fn hex_bytes(bytes: &[u8]) -> Value {
    Value::String(format!("0x{}", hex::encode(bytes)))
}

/// The YAML form of a container: a mapping from field name to field value, in field order.
pub fn container<const K: usize>(fields: [(&str, Value); K]) -> Value {
    let mut mapping = Mapping::with_capacity(K);
    for (name, value) in fields {
        mapping.insert(Value::String(name.to_owned()), value);
    }
    Value::Mapping(mapping)
}

#[cfg(test)]
mod tests {
    use super::*;
    use typenum::{U2, U8};

    #[test]
    fn wide_uints_are_decimal_strings() {
        let max = U128::MAX.to_yaml();
        assert_eq!(
            max,
            Value::String("340282366920938463463374607431768211455".into())
        );
        assert_ne!(U256::from(1u8).to_yaml(), 1u64.to_yaml());
    }

    #[test]
    fn bitlist_is_hex_of_its_ssz_bytes_with_the_length_bit() {
        let mut bits = BitList::<U8>::with_capacity(2).unwrap();
        bits.set(0, true).unwrap();
        assert_eq!(bits.to_yaml(), Value::String("0x05".into()));
    }

    #[test]
    fn vectors_are_sequences() {
        let v = FixedVector::<u16, U2>::new(vec![1, 2]).unwrap();
        let parsed: Value = serde_yaml_ng::from_str("[1, 2]").unwrap();
        assert_eq!(v.to_yaml(), parsed);
    }
}
