//! Reads the server's JSON answers into the API's types.
//!
//! serde's derived `Deserialize` for a struct also takes its fields as an
//! array, and a field's name as bytes or as an index; `serde_json`'s own
//! readers can hand it all three, so every one of those paths is compiled
//! into the WASM for every type the app reads, and none is ever taken: the
//! server writes structs as objects and names as strings. This reader hands a
//! struct only an object and a name only a string, so those paths are never
//! instantiated (the bundle is measured in `docs/benchmarks.md`). What the
//! server never sends is refused with the same errors `serde_json` gives.

use serde::de::value::StringDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};
use serde_json::{Error, Value};

/// Parses `text` and reads it as a `T`, in two steps on purpose: the text
/// parser is compiled once (into a `Value`), and only the walk over the
/// `Value` is compiled per type, which is shorter code than the parser
/// inlined into every answer's type.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    T::deserialize(Answer(serde_json::from_str::<Value>(text)?))
}

/// One JSON value of an answer.
struct Answer(Value);

/// A name (an object's key, an enum's variant) is always a string.
fn name(s: String) -> StringDeserializer<Error> {
    s.into_deserializer()
}

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// `deserialize_i64` and its kin: a JSON number, nothing else.
macro_rules! numbers {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                Value::Number(n) => n.deserialize_any(visitor),
                v => Err(de::Error::invalid_type(unexpected(&v), &visitor)),
            }
        })*
    };
}

impl<'de> Deserializer<'de> for Answer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => n.deserialize_any(visitor),
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => visitor.visit_seq(Items(items.into_iter())),
            Value::Object(fields) => visitor.visit_map(Fields { rest: fields.into_iter(), value: None }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            v => visitor.visit_some(Answer(v)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(fields) => visitor.visit_map(Fields { rest: fields.into_iter(), value: None }),
            v => Err(de::Error::invalid_type(unexpected(&v), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(variant) => visitor.visit_enum(name(variant)),
            Value::Object(fields) if fields.len() == 1 => match fields.into_iter().next() {
                Some((variant, value)) => visitor.visit_enum(Variant { variant, value }),
                None => Err(de::Error::invalid_length(0, &"an object with one key")),
            },
            v => Err(de::Error::invalid_type(unexpected(&v), &"a string or an object with one key")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    // A type that asks for a string (text, amounts, decimals, dates) or a
    // number gets only that: its visitor's other paths are never compiled.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_string(s),
            v => Err(de::Error::invalid_type(unexpected(&v), &visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_f32 deserialize_f64
    }

    serde::forward_to_deserialize_any! {
        bool i128 u128 char bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
    }
}

struct Items(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|v| seed.deserialize(Answer(v))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Fields {
    rest: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for Fields {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        match self.rest.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(name(key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(v) => seed.deserialize(Answer(v)),
            None => Err(de::Error::custom("a value was read before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.rest.len())
    }
}

/// `{"variant": value}`: an enum variant that carries data.
struct Variant {
    variant: String,
    value: Value,
}

impl<'de> EnumAccess<'de> for Variant {
    type Error = Error;
    type Variant = Answer;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Answer), Error> {
        Ok((seed.deserialize(name(self.variant))?, Answer(self.value)))
    }
}

impl<'de> VariantAccess<'de> for Answer {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.0 {
            Value::Null => Ok(()),
            v => Err(de::Error::invalid_type(unexpected(&v), &"unit variant")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        self.deserialize_struct("", fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Stage {
        Lead,
        Quote,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    enum Shape {
        Dot,
        Size(u32),
        Pair(i64, i64),
        Box { w: u32 },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Id(i64);

    #[derive(Debug, PartialEq, Deserialize)]
    struct Row {
        id: Id,
        name: String,
        note: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
        stage: Stage,
        shape: Shape,
        extra: BTreeMap<String, Value>,
        share: f64,
    }

    #[test]
    fn reads_what_the_server_writes() {
        let text = r#"{"id":7,"name":"广东","note":null,"stage":"quote","shape":{"Box":{"w":3}},
            "extra":{"a":[1,"x",{"b":null}]},"share":0.5,"unknown":{"deep":[1,2]}}"#;
        let row: Row = from_json(text).unwrap();
        assert_eq!(
            row,
            Row {
                id: Id(7),
                name: "广东".into(),
                note: None,
                tags: vec![],
                stage: Stage::Quote,
                shape: Shape::Box { w: 3 },
                extra: [("a".to_owned(), serde_json::json!([1, "x", {"b": null}]))].into(),
                share: 0.5,
            }
        );
        assert_eq!(from_json::<Vec<Stage>>(r#"["lead","quote"]"#).unwrap(), [Stage::Lead, Stage::Quote]);
        assert_eq!(from_json::<Shape>(r#""Dot""#).unwrap(), Shape::Dot);
        assert_eq!(from_json::<Shape>(r#"{"Size":4}"#).unwrap(), Shape::Size(4));
        assert_eq!(from_json::<Shape>(r#"{"Pair":[1,-2]}"#).unwrap(), Shape::Pair(1, -2));
        assert_eq!(from_json::<Value>(r#"{"k":[true,1.5,-3,"s"]}"#).unwrap(), serde_json::json!({"k": [true, 1.5, -3, "s"]}));
    }

    #[test]
    fn refuses_what_the_server_never_writes() {
        let err = |text: &str| from_json::<Row>(text).unwrap_err().to_string();
        assert!(err(r#"[{"id":1}]"#).contains("invalid type: sequence"), "{}", err(r#"[{"id":1}]"#));
        assert!(err("not json").contains("expected ident"));
        let base = r#""name":"n","stage":"lead","shape":"Dot","extra":{},"share":1"#;
        assert!(err(&format!(r#"{{"id":"7",{base}}}"#)).contains("invalid type: string \"7\""));
        assert!(err(r#"{"id":7}"#).contains("missing field `name`"));
        assert!(from_json::<Stage>(r#""won""#).unwrap_err().to_string().contains("unknown variant `won`"));
        assert!(from_json::<Stage>(r#"{"lead":1}"#).is_err(), "a unit variant carries nothing");
        assert!(from_json::<Shape>(r#"{"Size":1,"Dot":null}"#).is_err());
        assert!(from_json::<Row>("[]").is_err(), "a struct is an object");
    }
}
