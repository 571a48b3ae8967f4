//! Beacon API JSON for the integer lists that `ssz_types::serde_utils` does not cover.
//!
//! Integers are decimal strings in JSON; on input both strings and bare integers are accepted,
//! so the spec vectors' YAML (bare integers) reads with the same code.

/// `List[uint8, N]` as a list of decimal strings (`BeaconState.online_countdown`).
pub mod quoted_u8_var_list {
    use serde::{Deserialize, Deserializer, Serializer};
    use ssz_types::VariableList;
    use typenum::Unsigned;

    #[derive(Deserialize)]
    #[serde(transparent)]
    struct QuotedU8(#[serde(with = "serde_utils::quoted_u8")] u8);

    /// Writes the list as decimal strings.
    pub fn serialize<S: Serializer, N: Unsigned>(
        list: &VariableList<u8, N>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(list.iter().map(u8::to_string))
    }

    /// Reads a list of decimal strings or integers, refusing one longer than `N`.
    pub fn deserialize<'de, D: Deserializer<'de>, N: Unsigned>(
        deserializer: D,
    ) -> Result<VariableList<u8, N>, D::Error> {
        let items = Vec::<QuotedU8>::deserialize(deserializer)?;
        VariableList::new(items.into_iter().map(|q| q.0).collect())
            .map_err(|e| serde::de::Error::custom(format!("{e:?}")))
    }
}

/// `Vector[List[uint64, N], M]` as a list of lists of decimal strings
/// (`BeaconState.exposed_derived_secrets`).
pub mod quoted_u64_var_list_vector {
    use serde::{Deserialize, Deserializer, Serializer};
    use ssz_types::{FixedVector, VariableList};
    use typenum::Unsigned;

    #[derive(Deserialize)]
    #[serde(transparent)]
    struct QuotedU64(#[serde(with = "serde_utils::quoted_u64")] u64);

    /// Writes each inner list as decimal strings.
    pub fn serialize<S: Serializer, N: Unsigned, M: Unsigned>(
        vector: &FixedVector<VariableList<u64, N>, M>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            vector
                .iter()
                .map(|list| list.iter().map(u64::to_string).collect::<Vec<_>>()),
        )
    }

    /// Reads exactly `M` lists of at most `N` decimal strings or integers each.
    pub fn deserialize<'de, D: Deserializer<'de>, N: Unsigned, M: Unsigned>(
        deserializer: D,
    ) -> Result<FixedVector<VariableList<u64, N>, M>, D::Error> {
        let outer = Vec::<Vec<QuotedU64>>::deserialize(deserializer)?;
        let lists = outer
            .into_iter()
            .map(|inner| VariableList::new(inner.into_iter().map(|q| q.0).collect()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| serde::de::Error::custom(format!("{e:?}")))?;
        FixedVector::new(lists).map_err(|e| serde::de::Error::custom(format!("{e:?}")))
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use ssz_types::{FixedVector, VariableList};
    use typenum::{U2, U3};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Lists {
        #[serde(with = "super::quoted_u8_var_list")]
        bytes: VariableList<u8, U3>,
        #[serde(with = "super::quoted_u64_var_list_vector")]
        nested: FixedVector<VariableList<u64, U2>, U2>,
    }

    #[test]
    fn quoted_out_and_either_in() {
        let value = Lists {
            bytes: VariableList::new(vec![1, 255]).unwrap(),
            nested: FixedVector::new(vec![
                VariableList::new(vec![u64::MAX]).unwrap(),
                VariableList::default(),
            ])
            .unwrap(),
        };
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(
            json,
            r#"{"bytes":["1","255"],"nested":[["18446744073709551615"],[]]}"#
        );
        let bare: Lists =
            serde_json::from_str(r#"{"bytes":[1,"255"],"nested":[[18446744073709551615],[]]}"#)
                .unwrap();
        assert_eq!(bare, value);
        // Over the list limit, a byte out of range, a vector of the wrong length.
        for bad in [
            r#"{"bytes":[1,2,3,4],"nested":[[],[]]}"#,
            r#"{"bytes":["256"],"nested":[[],[]]}"#,
            r#"{"bytes":[],"nested":[[1,2,3],[]]}"#,
            r#"{"bytes":[],"nested":[[]]}"#,
        ] {
            assert!(serde_json::from_str::<Lists>(bad).is_err(), "{bad}");
        }
    }
}
