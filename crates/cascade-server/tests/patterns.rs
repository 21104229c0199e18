//! The published document and the server agree on what a value may be:
//! for every pattern and length bound of a request value in
//! `openapi/openapi.json`, the text the document allows is exactly the
//! text the server's reader accepts. A client that follows the document is
//! never refused for the shape of a value, and one that does not is never
//! silently accepted.

use cascade_api_types::strict::{BAND_PERCENT, PERCENT, POINTS, PROBABILITY};
use cascade_core::{Code, Money, Period};
use proptest::prelude::*;
use serde_json::Value;

fn document() -> Value {
    serde_json::from_str(&cascade_server::openapi::render()).unwrap()
}

/// The schema of a property of a component, or of a parameter.
fn property(doc: &Value, component: &str, name: &str) -> Value {
    let s = &doc["components"]["schemas"][component];
    let p = s["properties"][name].clone();
    assert!(p.is_object(), "{component}.{name} is not in the document");
    match p["$ref"].as_str() {
        Some(r) => doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")].clone(),
        None => p,
    }
}

fn parameter(doc: &Value, path: &str, method: &str, name: &str) -> Value {
    let params = doc["paths"][path][method]["parameters"].as_array().unwrap();
    params.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{method} {path} has no {name}"))["schema"].clone()
}

/// Whether the schema allows the string (pattern and length bounds).
fn allows(schema: &Value, s: &str) -> bool {
    let pattern = schema["pattern"].as_str().map(|p| regex::Regex::new(p).unwrap());
    let n = s.chars().count() as u64;
    pattern.is_none_or(|r| r.is_match(s))
        && schema["minLength"].as_u64().is_none_or(|m| n >= m)
        && schema["maxLength"].as_u64().is_none_or(|m| n <= m)
}

/// Text near the edges of every rule: digits, signs, points, exponents,
/// spaces of several kinds, control characters, slashes, CJK, anything.
fn text(max: usize) -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => proptest::char::range('0', '9'),
        1 => Just('.'),
        1 => Just('-'),
        1 => Just('+'),
        1 => Just('e'),
        1 => Just('_'),
        1 => Just('Q'),
        1 => Just(' '),
        1 => Just('\u{a0}'),
        1 => Just('\u{3000}'),
        1 => Just('\t'),
        1 => Just('\n'),
        1 => Just('\u{0}'),
        1 => Just('\u{85}'),
        1 => Just('\u{7f}'),
        1 => Just('/'),
        1 => Just('"'),
        1 => Just('W'),
        2 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('\u{4e00}', '\u{4e20}'),
        1 => any::<char>(),
    ];
    prop::collection::vec(c, 0..max).prop_map(|v| v.into_iter().collect())
}

/// Samples the schema's own pattern too, so the accepted side is covered.
fn text_for(schema: &Value, max: usize) -> BoxedStrategy<String> {
    match schema["pattern"].as_str() {
        Some(p) => {
            let inner = p.trim_start_matches('^').trim_end_matches('$');
            prop_oneof![text(max), proptest::string::string_regex(inner).unwrap()].boxed()
        }
        None => text(max).boxed(),
    }
}

/// Edges a random walk may take thousands of cases to reach; each was a
/// disagreement once or sits on a rule's boundary.
const EDGES: &[&str] = &["", " ", "0", "-0", "-0.0", "-0.00", "0.00", "-0.01", "0.01", "00", "-", ".", "1.", ".1"];

/// Checks one published value against the server's reader of it.
fn agree(schema: Value, max: usize, reader: impl Fn(&str) -> bool) {
    for s in EDGES {
        assert_eq!(allows(&schema, s), reader(s), "{s:?} against {schema}");
    }
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 3000, ..ProptestConfig::default() });
    runner
        .run(&text_for(&schema, max), |s| {
            prop_assert_eq!(allows(&schema, &s), reader(&s), "{:?} against {}", s, schema);
            Ok(())
        })
        .unwrap();
}

fn wire<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(Value::String(s.to_owned())).ok()
}

#[test]
fn amounts() {
    let doc = document();
    let money = |s: &str| Money::parse_exact(s).ok();
    agree(doc["components"]["schemas"]["Money"].clone(), 20, |s| money(s).is_some() && wire::<Money>(s).is_some());
    agree(property(&doc, "NewOpportunity", "amount"), 20, |s| money(s).is_some_and(|m| !m.is_negative()));
    agree(property(&doc, "NewPlan", "total"), 20, |s| money(s).is_some_and(|m| !m.is_negative()));
    agree(property(&doc, "NewPlan", "rounding_unit"), 20, |s| money(s).is_some_and(|m| m.fen() > 0));
    agree(property(&doc, "NewRelief", "delta"), 20, |s| money(s).is_some_and(|m| m.fen() != 0));
}

#[test]
fn percentages_and_points() {
    let doc = document();
    agree(property(&doc, "NewPlanWeights", "market"), 12, |s| PERCENT.parse(s).is_some());
    agree(property(&doc, "NewPlan", "history_percent"), 12, |s| PERCENT.parse(s).is_some());
    agree(property(&doc, "NewPlan", "band_percent"), 12, |s| BAND_PERCENT.parse(s).is_some());
    agree(property(&doc, "LinePatch", "priority"), 14, |s| POINTS.parse(s).is_some());
    agree(property(&doc, "NewPlan", "probabilities")["additionalProperties"].clone(), 10, |s| PROBABILITY.parse(s).is_some());
}

#[test]
fn texts() {
    let doc = document();
    agree(property(&doc, "NewCustomer", "name"), 110, |s| cascade_core::parse_name(s, 100).is_ok());
    agree(property(&doc, "NewVisit", "notes"), 40, |s| cascade_core::parse_note(s, 2000).is_ok());
    agree(property(&doc, "ReturnPlan", "comment"), 30, |s| {
        cascade_server::planning::check_reason(&mut Default::default(), "comment", &Some(s.to_owned())).is_some()
    });
    agree(property(&doc, "NewCustomField", "key"), 45, cascade_store::is_custom_key);
    agree(doc["components"]["schemas"]["Code"].clone(), 70, |s| wire::<Code>(s).is_some());
    let evidence = parameter(&doc, "/api/v1/plans/{id}/lines/{line_id}/evidence", "post", "file_name");
    agree(evidence, 210, |s| cascade_server::validate::file_name(s).is_ok());
}

#[test]
fn periods_and_versions() {
    let doc = document();
    agree(doc["components"]["schemas"]["Period"].clone(), 10, |s| wire::<Period>(s).is_some());
    let quarter = parameter(&doc, "/api/v1/metrics/fairness", "get", "quarter");
    agree(quarter, 10, |s| wire::<Period>(s).is_some_and(|p| p.kind() == cascade_core::PeriodKind::Quarter));
    let if_match = parameter(&doc, "/api/v1/plans/{id}", "patch", "If-Match");
    agree(if_match, 24, |s| cascade_server::planning::version_of(s).is_some());
}
