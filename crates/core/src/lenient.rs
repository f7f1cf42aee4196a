//! A value typed by the officer that may or may not be one of the allowed ones.
//!
//! Drafts must keep whatever was typed (nothing typed is ever lost), so an enumeration field
//! that holds an unknown word is still a record: it is stored as typed and validation reports
//! it. The JSON Schema shows only the allowed values.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;

/// Either a known value of `T` or the text that was typed instead.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Lenient<T> {
    Known(T),
    Other(String),
}

impl<T> Lenient<T> {
    /// The known value, if the text was one.
    pub fn known(&self) -> Option<&T> {
        match self {
            Lenient::Known(t) => Some(t),
            Lenient::Other(_) => None,
        }
    }
}

impl<T> From<T> for Lenient<T> {
    fn from(t: T) -> Self {
        Lenient::Known(t)
    }
}

impl<T: Serialize> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Lenient::Known(t) => t.serialize(s),
            Lenient::Other(text) => s.serialize_str(text),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let value = serde_json::Value::String(text.clone());
        Ok(match serde_json::from_value::<T>(value) {
            Ok(t) => Lenient::Known(t),
            Err(_) => Lenient::Other(text),
        })
    }
}

impl<T: JsonSchema> JsonSchema for Lenient<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }

    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// In TypeScript a lenient field is the known values or any text: `Sex | string`.
#[cfg(feature = "ts")]
impl<T: ts_rs::TS> ts_rs::TS for Lenient<T> {
    type WithoutGenerics = Lenient<ts_rs::Dummy>;
    type OptionInnerType = Self;

    fn name(cfg: &ts_rs::Config) -> String {
        format!("{} | string", T::name(cfg))
    }

    fn inline(cfg: &ts_rs::Config) -> String {
        format!("{} | string", T::inline(cfg))
    }

    fn visit_dependencies(v: &mut impl ts_rs::TypeVisitor)
    where
        Self: 'static,
    {
        T::visit_dependencies(v);
    }

    fn visit_generics(v: &mut impl ts_rs::TypeVisitor)
    where
        Self: 'static,
    {
        T::visit_generics(v);
        v.visit::<T>();
    }
}
