//! Taking a batch apart and putting it back together, as a hostile device with a real key
//! could: the batch crate's refusal tests and headquarters' use the same tools
//! (`crates/hq/tests/common` includes this file).
#![allow(dead_code)]

use std::io::{Cursor, Read, Write};

use ed25519_dalek::{Signer, SigningKey};
use loket_batch::{seal_raw, sha256_hex, unseal_raw, HqPublic, HqSecret};
use serde_json::Value;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// The zip entries of a batch, in order.
pub fn unpack(bytes: &[u8], hq: &HqSecret) -> Vec<(String, Vec<u8>)> {
    let zip_bytes = unseal_raw(bytes, hq).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (String::from_utf8(f.name_raw().to_vec()).unwrap(), data)
        })
        .collect()
}

/// Zips (as the sealer does) and encrypts the entries as they are.
pub fn pack(entries: &[(String, Vec<u8>)], hq: &HqPublic) -> Vec<u8> {
    seal_raw(&zip_of(entries), hq).unwrap()
}

/// Re-signs whatever manifest.json now holds, with the device's key.
pub fn resign(entries: &mut [(String, Vec<u8>)], key: &SigningKey) {
    let m = get(entries, "manifest.json").to_vec();
    *get_mut(entries, "manifest.sig") = hex::encode(key.sign(&m).to_bytes()).into_bytes();
}

/// Rewrites the manifest's entry list from the entries as they are, then re-signs.
pub fn refresh(entries: &mut [(String, Vec<u8>)], key: &SigningKey) {
    let list: Vec<Value> = entries
        .iter()
        .filter(|(n, _)| n != "manifest.json" && n != "manifest.sig")
        .map(|(n, d)| serde_json::json!({"name": n, "size": d.len(), "sha256": sha256_hex(d)}))
        .collect();
    edit_manifest(entries, |m| m["entries"] = Value::Array(list));
    resign(entries, key);
}

/// Zips the entries as the sealer does: photos stored, everything else deflated.
pub fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let method = if name.starts_with("attachments/") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        zip.start_file(
            name.as_str(),
            SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

pub fn get<'a>(entries: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &entries.iter().find(|(n, _)| n == name).unwrap().1
}

pub fn get_mut<'a>(entries: &'a mut [(String, Vec<u8>)], name: &str) -> &'a mut Vec<u8> {
    &mut entries.iter_mut().find(|(n, _)| n == name).unwrap().1
}

pub fn edit_manifest(entries: &mut [(String, Vec<u8>)], f: impl FnOnce(&mut Value)) {
    let m = get_mut(entries, "manifest.json");
    let mut v: Value = serde_json::from_slice(m).unwrap();
    f(&mut v);
    *m = serde_json::to_vec_pretty(&v).unwrap();
}

/// Edits every line of records.jsonl (as JSON values).
pub fn edit_records(entries: &mut [(String, Vec<u8>)], mut f: impl FnMut(usize, &mut Value)) {
    let r = get_mut(entries, "records.jsonl");
    let text = String::from_utf8(r.clone()).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut v: Value = serde_json::from_str(line).unwrap();
        f(i, &mut v);
        out.push_str(&serde_json::to_string(&v).unwrap());
        out.push('\n');
    }
    *r = out.into_bytes();
}

/// Rewrites the record text on line `n` of records.jsonl with `f`, and its hash to match:
/// a record changed consistently, as its own device could have sealed it.
pub fn edit_record_text(entries: &mut [(String, Vec<u8>)], n: usize, f: impl Fn(&str) -> String) {
    edit_records(entries, |i, line| {
        if i == n {
            let text = f(line["record_text"].as_str().unwrap());
            line["record_sha256"] = sha256_hex(text.as_bytes()).into();
            line["record_text"] = text.into();
        }
    });
}
