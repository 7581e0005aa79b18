//! Origin answers read as JSON with every struct written as an object.
//!
//! serde_json reads a struct from a JSON object or from a JSON array of its fields in order, so
//! every derived decoder holds both ways, and V8 compiles both whenever the decoder first runs in
//! an isolate, and again after the runtime drops its unoptimized code (README, Performance).
//! Origins answer objects. Asked for a map instead of a struct, serde_json never takes the
//! array way, the optimizer drops it, and a first product page compiles 5.5% less wasm.
//!
//! [`from_str`] wraps serde_json's deserializer so that each struct, at any depth, is asked
//! for as a map; everything else passes through unchanged.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

/// `T` from JSON text, each of its structs read from a JSON object only (an array is refused).
pub fn from_str<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    let mut reader = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Objects(&mut reader))?;
    reader.end()?;
    Ok(value)
}

/// A deserializer that asks the one it wraps for a map wherever a struct is wanted.
struct Objects<D>(D);

/// A visitor whose nested values are read through [`Objects`] too.
struct Nested<V>(V);

/// Forwards `deserialize_*` methods that take only a visitor.
macro_rules! forward_deserialize {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Nested(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Objects<D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Nested(visitor))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Nested(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Nested(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Nested(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Nested(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Nested(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Forwards `visit_*` methods that take a plain value.
macro_rules! forward_visit {
    ($($method:ident($ty:ty))*) => {$(
        fn $method<E: de::Error>(self, value: $ty) -> Result<Self::Value, E> {
            self.0.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Nested<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(formatter)
    }

    forward_visit! {
        visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64)
        visit_i128(i128) visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64)
        visit_u128(u128) visit_f32(f32) visit_f64(f64) visit_char(char) visit_str(&str)
        visit_borrowed_str(&'de str) visit_string(String) visit_bytes(&[u8])
        visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(Objects(inner))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        self.0.visit_newtype_struct(Objects(inner))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(Nested(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(Nested(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(Nested(data))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Nested<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Nested(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Nested<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Nested(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Nested(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Nested<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, inner: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Objects(inner))
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Nested<A> {
    type Error = A::Error;
    type Variant = Nested<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        self.0
            .variant_seed(Nested(seed))
            .map(|(value, variant)| (value, Nested(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Nested<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Nested(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Nested(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Nested(visitor))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    enum Kind {
        Plain,
        Tagged(u32),
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Leaf {
        name: String,
        size: u32,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Page {
        id: u64,
        title: String,
        rating: f64,
        note: Option<String>,
        #[serde(default)]
        flag: bool,
        leaves: Vec<Leaf>,
        best: Option<Leaf>,
        kind: Kind,
        pair: (u8, String),
        counts: BTreeMap<String, i64>,
    }

    fn page() -> Page {
        Page {
            id: 7,
            title: "Wrenfield \"Atlas\" é".into(),
            rating: 4.5,
            note: None,
            flag: true,
            leaves: vec![
                Leaf {
                    name: "thumb".into(),
                    size: 64,
                },
                Leaf {
                    name: "small".into(),
                    size: 320,
                },
            ],
            best: Some(Leaf {
                name: "large".into(),
                size: 1200,
            }),
            kind: Kind::Tagged(3),
            pair: (1, "one".into()),
            counts: BTreeMap::from([("a".into(), -1), ("b".into(), 2)]),
        }
    }

    #[test]
    fn reads_what_serde_json_reads_from_objects() {
        let text = serde_json::to_string(&page()).unwrap();
        assert_eq!(from_str::<Page>(&text).unwrap(), page());
    }

    #[test]
    fn ignores_unknown_fields_and_defaults_missing_ones() {
        let text = r#"{"id":1,"extra":{"deep":[1,{"x":null}]},"title":"t","rating":1,
            "leaves":[],"kind":"Plain","pair":[2,"b"],"counts":{}}"#;
        let read: Page = from_str(text).unwrap();
        assert_eq!(read.note, None);
        assert_eq!(read.best, None);
        assert!(!read.flag);
        assert_eq!(read.kind, Kind::Plain);
    }

    #[test]
    fn refuses_a_struct_written_as_an_array_at_any_depth() {
        let top = r#"["thumb", 64]"#;
        assert!(serde_json::from_str::<Leaf>(top).is_ok());
        assert!(from_str::<Leaf>(top).is_err());
        let mut nested = serde_json::to_value(page()).unwrap();
        nested["best"] = serde_json::json!(["large", 1200]);
        let nested = nested.to_string();
        assert!(serde_json::from_str::<Page>(&nested).is_ok());
        assert!(from_str::<Page>(&nested).is_err());
    }

    #[test]
    fn refuses_trailing_text_and_bad_json() {
        let text = serde_json::to_string(&page()).unwrap();
        assert!(from_str::<Page>(&format!("{text} x")).is_err());
        assert!(from_str::<Page>(&text[..text.len() - 1]).is_err());
        assert!(from_str::<Page>("").is_err());
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json_on_any_page(
            id in any::<u64>(),
            title in ".{0,40}",
            rating in -1e6f64..1e6,
            note in proptest::option::of(".{0,20}"),
            leaves in proptest::collection::vec((".{0,10}", any::<u32>()), 0..5),
        ) {
            let mut value = page();
            value.id = id;
            value.title = title;
            value.rating = rating;
            value.note = note;
            value.leaves = leaves.into_iter().map(|(name, size)| Leaf { name, size }).collect();
            let text = serde_json::to_string(&value).unwrap();
            let ours = from_str::<Page>(&text).map_err(|e| e.to_string());
            let theirs = serde_json::from_str::<Page>(&text).map_err(|e| e.to_string());
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn any_text_is_read_or_refused_as_serde_json_would_for_objects(text in "(.|\n){0,200}") {
            // Wherever serde_json reads a page from `text`, so do we, unless it took an array
            // for a struct; and whatever we read, serde_json reads the same.
            if let Ok(ours) = from_str::<Page>(&text) {
                prop_assert_eq!(Some(ours), serde_json::from_str::<Page>(&text).ok());
            }
        }
    }
}
