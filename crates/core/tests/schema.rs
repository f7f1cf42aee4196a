//! The published JSON Schema is the one the types generate.

use loket_core::schema::intake_record_schema;

const PUBLISHED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/intake-record.schema.json"
);

#[test]
fn published_schema_matches_the_types() {
    let generated = intake_record_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(PUBLISHED, &generated).unwrap();
    }
    let published = std::fs::read_to_string(PUBLISHED).unwrap_or_default();
    assert!(
        published == generated,
        "docs/intake-record.schema.json is out of date with the Rust types; regenerate it with \
         UPDATE_SCHEMA=1 cargo test -p loket-core --test schema"
    );
}

#[test]
fn schema_names_the_fixed_fields_and_their_rules() {
    let schema: serde_json::Value = serde_json::from_str(&intake_record_schema()).unwrap();
    let text = schema.to_string();
    for field in [
        "full_name",
        "date_of_birth",
        "nik",
        "port_of_entry",
        "deceptive_recruitment",
    ] {
        assert!(text.contains(field), "{field} missing from the schema");
    }
    assert_eq!(schema["required"], serde_json::json!(["person"]));
    assert!(text.contains(r#""pattern":"^[0-9]{16}$""#));
    assert!(text.contains(r#""never_issued""#));
}
