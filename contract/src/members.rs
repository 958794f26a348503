//! A JSON object's members as the raw JSON text of each value, in order.
//! The plugin SDK's glue merges a plugin's output into a document this way
//! without parsing every value into a `serde_json::Value` and printing it
//! again (the document's text, often most of it, is copied once); the host
//! checks a stage's output this way, parsing only the members a contract
//! looks at.

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// An object's members: each key (unescaped) with its value's JSON text.
/// Setting a key that is already there replaces its value in place, and a
/// key given twice in the text keeps its first place and its last value, as
/// `serde_json::Map` with `preserve_order` does.
#[derive(Debug, Default)]
pub struct Members<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'a> Members<'a> {
    /// The members of `text`, which must be one JSON object.
    pub fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Whether the object has no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The JSON text of `key`'s value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, value)| value.as_ref())
    }

    /// Each key with its value's JSON text, in the object's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(key, value)| (key.as_ref(), value.as_ref()))
    }

    /// Sets `key` to the JSON text `value`, in place if it is there.
    pub fn set(&mut self, key: Cow<'a, str>, value: Cow<'a, str>) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(member) => member.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Sets each member of `other` here, in its order.
    pub fn extend(&mut self, other: Members<'a>) {
        for (key, value) in other.0 {
            self.set(key, value);
        }
    }

    /// Sets each member of a plugin's `output` here, except that an object
    /// `meta` is merged into an object `meta`, one level deep: a plugin adds
    /// its own keys under `meta` and keeps the others'.
    pub fn merge(&mut self, output: Members<'a>) {
        for (key, value) in output.0 {
            if key == "meta" && value.starts_with('{') {
                let merged = match self.get("meta") {
                    Some(existing) if existing.starts_with('{') => {
                        // Both are objects' texts that parsed once already.
                        let mut existing = Members::parse(existing).expect("valid JSON");
                        existing.extend(Members::parse(&value).expect("valid JSON"));
                        Some(existing.to_json())
                    }
                    _ => None,
                };
                if let Some(merged) = merged {
                    self.set(key, Cow::Owned(merged));
                    continue;
                }
            }
            self.set(key, value);
        }
    }

    /// The object as compact JSON text.
    pub fn to_json(&self) -> String {
        let size: usize = self.0.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
        let mut json = String::with_capacity(size + 2);
        json.push('{');
        for (index, (key, value)) in self.0.iter().enumerate() {
            if index > 0 {
                json.push(',');
            }
            json.push_str(&serde_json::to_string(key.as_ref()).expect("a string serializes"));
            json.push(':');
            json.push_str(value);
        }
        json.push('}');
        json
    }
}

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MembersVisitor)
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
        let mut members = Members::default();
        while let Some(Key(key)) = map.next_key()? {
            let value: &'de RawValue = map.next_value()?;
            members.set(key, Cow::Borrowed(value.get()));
        }
        Ok(members)
    }
}

/// A key, borrowed from the text unless it has escapes. (serde's own
/// `Cow<str>` always copies.)
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};

    /// What the glue did before: parse into a `Map`, extend, print.
    fn through_values(document: &str, output: &str) -> String {
        let mut document: Map<String, Value> = serde_json::from_str(document).unwrap();
        let output: Map<String, Value> = serde_json::from_str(output).unwrap();
        for (key, value) in output {
            match (key.as_str(), document.get_mut(&key), value) {
                ("meta", Some(Value::Object(existing)), Value::Object(added)) => {
                    existing.extend(added)
                }
                (_, _, value) => {
                    document.insert(key, value);
                }
            }
        }
        Value::Object(document).to_string()
    }

    #[test]
    fn merging_members_prints_what_merging_values_printed() {
        let documents = [
            r#"{"id":"a","text":"x"}"#,
            r#"{"id":"a","text":"x \"q\" \u0001 é","meta":{"n":1,"clean":{"k":[1,2]}},"fields":{"a":null}}"#,
            r#"{"id":"a","meta":"not an object","text":"x"}"#,
            r#"{"id":"a","text":"x","te\nxt":1,"id":"b"}"#,
        ];
        let outputs = [
            r#"{"text":"y"}"#,
            r#"{"text":"y","meta":{"lang":{"code":"ar"},"n":2}}"#,
            r#"{"meta":{"n":3},"new":[true,1.5,"s"]}"#,
            r#"{"meta":{}}"#,
            r#"{"te\nxt":2}"#,
        ];
        for document in documents {
            for output in outputs {
                let mut merged = Members::parse(document).unwrap();
                merged.merge(Members::parse(output).unwrap());
                assert_eq!(
                    merged.to_json(),
                    through_values(document, output),
                    "{document} + {output}"
                );
            }
        }
    }

    #[test]
    fn only_an_object_has_members() {
        for text in ["[1]", "\"s\"", "{\"a\":", "{} x", "{\"a\":1,}"] {
            assert!(Members::parse(text).is_err(), "{text}");
        }
    }
}
