//! Sparse fieldsets: `?fields=id,name,price.formatted` returns only those parts of the body.
//!
//! Syntax: a comma-separated list of paths; a path is field names joined by dots. Arrays are
//! looked through (`items.name` is the `name` of every item). A path keeps its whole subtree;
//! its ancestors are kept with only the selected children. A path that the endpoint's view does
//! not define is a 400, so a typo does not silently return an empty object.

use serde_json::{Map, Value};

use crate::error::BffError;

const MAX_FIELDS_PARAM: usize = 512;

/// Parsed, validated paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSet(Vec<Vec<String>>);

impl FieldSet {
    /// Parses `raw` against the dotted paths `allowed` for the endpoint.
    pub fn parse(raw: &str, allowed: &[&str]) -> Result<Self, BffError> {
        if raw.len() > MAX_FIELDS_PARAM {
            return Err(BffError::bad_request(
                "invalid_fields",
                "The fields list is too long.",
            ));
        }
        let mut paths = Vec::new();
        for path in raw.split(',').map(str::trim) {
            if path.is_empty() {
                return Err(BffError::bad_request(
                    "invalid_fields",
                    "List fields separated by single commas, e.g. fields=id,name.",
                ));
            }
            if !allowed.contains(&path) {
                return Err(BffError::bad_request(
                    "unknown_field",
                    format!("This endpoint has no field `{path}`."),
                ));
            }
            paths.push(path.split('.').map(str::to_owned).collect());
        }
        Ok(Self(paths))
    }

    /// Keeps only the selected parts of `value`.
    pub fn apply(&self, value: &Value) -> Value {
        let paths: Vec<&[String]> = self.0.iter().map(Vec::as_slice).collect();
        select(value, &paths)
    }
}

fn select(value: &Value, paths: &[&[String]]) -> Value {
    if paths.iter().any(|path| path.is_empty()) {
        return value.clone();
    }
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|item| select(item, paths)).collect()),
        Value::Object(object) => {
            let mut kept = Map::new();
            for (key, child) in object {
                let below: Vec<&[String]> = paths
                    .iter()
                    .filter(|path| path.first().is_some_and(|first| first == key))
                    .map(|path| &path[1..])
                    .collect();
                if !below.is_empty() {
                    kept.insert(key.clone(), select(child, &below));
                }
            }
            Value::Object(kept)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ALLOWED: &[&str] = &[
        "id",
        "name",
        "price",
        "price.formatted",
        "items",
        "items.id",
        "items.name",
    ];

    #[test]
    fn keeps_selected_fields_and_subtrees() {
        let body = json!({"id": 1, "name": "Lamp", "price": {"amount": "9.99", "formatted": "€9.99"}, "brand": "X"});
        let fields = FieldSet::parse("id,price.formatted", ALLOWED).unwrap();
        assert_eq!(
            fields.apply(&body),
            json!({"id": 1, "price": {"formatted": "€9.99"}})
        );
        let fields = FieldSet::parse("price", ALLOWED).unwrap();
        assert_eq!(
            fields.apply(&body),
            json!({"price": {"amount": "9.99", "formatted": "€9.99"}})
        );
    }

    #[test]
    fn looks_through_arrays() {
        let body =
            json!({"items": [{"id": 1, "name": "a", "x": 0}, {"id": 2, "name": "b"}], "next": "c"});
        let fields = FieldSet::parse("items.id", ALLOWED).unwrap();
        assert_eq!(
            fields.apply(&body),
            json!({"items": [{"id": 1}, {"id": 2}]})
        );
    }

    #[test]
    fn absent_optional_fields_stay_absent() {
        let fields = FieldSet::parse("id,price", ALLOWED).unwrap();
        assert_eq!(fields.apply(&json!({"id": 1})), json!({"id": 1}));
    }

    #[test]
    fn unknown_or_malformed_lists_are_refused() {
        for (raw, code) in [
            ("id,colour", "unknown_field"),
            ("id,,name", "invalid_fields"),
            ("", "invalid_fields"),
            ("price.amount.value", "unknown_field"),
        ] {
            let error = FieldSet::parse(raw, ALLOWED).unwrap_err();
            assert_eq!((error.status(), error.code()), (400, code), "{raw}");
        }
        assert!(FieldSet::parse(&"id,".repeat(300), ALLOWED).is_err());
    }

    fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::from),
            "[a-z]{0,4}".prop_map(Value::from)
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(
                    proptest::sample::select(vec![
                        "id",
                        "name",
                        "price",
                        "formatted",
                        "items",
                        "x"
                    ])
                    .prop_map(str::to_owned),
                    inner,
                    0..4
                )
                .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// Any `fields` string is a set or a 400; any document, filtered by any valid set,
        /// keeps no key outside the selected paths' names.
        #[test]
        fn fieldsets_parse_or_refuse_and_only_select(raw in ".{0,80}", picks in proptest::collection::vec(0usize..ALLOWED.len(), 1..4), doc in any_json()) {
            if let Err(error) = FieldSet::parse(&raw, ALLOWED) {
                proptest::prop_assert_eq!(error.status(), 400);
            }
            let wanted: Vec<&str> = picks.iter().map(|i| ALLOWED[*i]).collect();
            let set = FieldSet::parse(&wanted.join(","), ALLOWED).unwrap();
            let names: Vec<&str> = wanted.iter().flat_map(|path| path.split('.')).collect();
            let selected = set.apply(&doc);
            if let Value::Object(top) = &selected {
                for key in top.keys() {
                    proptest::prop_assert!(names.contains(&key.as_str()), "{key}");
                }
            }
        }
    }
}
