//! The commands that open the counter's encrypted store.

use super::print_json;
use crate::args::Common;
use crate::input::{read_record, NOT_A_RECORD};
use loket_core::Lang;
use loket_store::{AuditCheck, Finalize, Store};
use loket_term::Failure;
use loket_term::Passphrase;
use loket_term::{line, table};
use serde::Serialize;
use std::path::PathBuf;
use zeroize::Zeroizing;

fn data_dir(common: &Common) -> Result<PathBuf, Failure> {
    match &common.data_dir {
        Some(dir) => Ok(dir.clone()),
        None => loket_store::default_dir().ok_or_else(|| {
            Failure::new(1, "no data directory on this system: give --data-dir DIR")
        }),
    }
}

/// The officer whose login opens the store: `--officer` (`LOKET_OFFICER`), else the system
/// user's name.
fn officer(common: &Common) -> String {
    common
        .officer
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "officer".to_string())
}

/// The officer's passphrase: `LOKET_PASSPHRASE`, else the terminal.
const PASSPHRASE: Passphrase = Passphrase {
    env: "LOKET_PASSPHRASE",
    locked: "the store is encrypted",
};

/// A new passphrase (for another officer, or one's own): `LOKET_NEW_PASSPHRASE`, else typed
/// twice on the terminal.
const NEW_PASSPHRASE: Passphrase = Passphrase {
    env: "LOKET_NEW_PASSPHRASE",
    locked: "a new passphrase is needed",
};

fn new_passphrase(which: &Passphrase) -> Result<Zeroizing<String>, Failure> {
    which.new_one(
        loket_store::MIN_PASSPHRASE_CHARS,
        &loket_store::StoreError::ShortPassphrase.to_string(),
    )
}

pub(super) fn open(common: &Common) -> Result<Store, Failure> {
    Ok(open_with_passphrase(common)?.0)
}

/// The store, and the passphrase that opened it (asked once, for changes to the logins).
fn open_with_passphrase(common: &Common) -> Result<(Store, Zeroizing<String>), Failure> {
    let dir = data_dir(common)?;
    let passphrase = PASSPHRASE.existing()?;
    let store = Store::open(&dir, &officer(common), &passphrase)?;
    Ok((store, passphrase))
}

pub fn init(common: &Common, mission: &str) -> Result<u8, Failure> {
    let dir = data_dir(common)?;
    let passphrase = new_passphrase(&PASSPHRASE)?;
    let (store, _) = Store::init(&dir, &officer(common), &passphrase, mission)?;
    print!("{}", store.device_card()?.to_json());
    Ok(0)
}

/// `officer list`: every officer with a login here; the one running the command is marked.
pub fn officers(common: &Common, json: bool) -> Result<u8, Failure> {
    let store = open(common)?;
    let names = store.officers()?;
    if json {
        print_json(&names)?;
        return Ok(0);
    }
    for name in names {
        let you = name == store.officer();
        line(&match (you, common.lang) {
            (true, Lang::Id) => format!("{name} (Anda)"),
            (true, Lang::En) => format!("{name} (you)"),
            (false, _) => name,
        })?;
    }
    Ok(0)
}

pub fn add_officer(common: &Common, name: &str) -> Result<u8, Failure> {
    let (store, own) = open_with_passphrase(common)?;
    let passphrase = new_passphrase(&NEW_PASSPHRASE)?;
    let name = store.add_officer(&own, name, &passphrase)?;
    line(&match common.lang {
        Lang::Id => format!("petugas {name} dapat membuka loket ini dengan frasa sandinya sendiri"),
        Lang::En => format!("officer {name} can now unlock this counter with their own passphrase"),
    })?;
    Ok(0)
}

pub fn remove_officer(common: &Common, name: &str) -> Result<u8, Failure> {
    let (store, own) = open_with_passphrase(common)?;
    store.remove_officer(&own, name)?;
    line(&match common.lang {
        Lang::Id => format!("login petugas {name} dihapus; catatan audit mereka tetap ada"),
        Lang::En => format!("officer {name}'s login was removed; their audit entries stay"),
    })?;
    Ok(0)
}

pub fn change_passphrase(common: &Common) -> Result<u8, Failure> {
    let (store, own) = open_with_passphrase(common)?;
    let passphrase = new_passphrase(&NEW_PASSPHRASE)?;
    store.change_passphrase(&own, &passphrase)?;
    line(&match common.lang {
        Lang::Id => format!("frasa sandi {} diganti", store.officer()),
        Lang::En => format!("{}'s passphrase was changed", store.officer()),
    })?;
    Ok(0)
}

pub fn device(common: &Common) -> Result<u8, Failure> {
    let store = open(common)?;
    print!("{}", store.device_card()?.to_json());
    Ok(0)
}

/// `case add`: the case id on the first line, then the report.
pub fn add(common: &Common, file: &str, reason: Option<&str>) -> Result<u8, Failure> {
    let record = read_record(file)?;
    let mut store = open(common)?;
    let saved = store
        .save(record, reason)
        .map_err(|e| Failure::new(NOT_A_RECORD, format!("nothing was stored: {e}")))?;
    line(&saved.case_id)?;
    print_json(&saved.report.localized(common.lang))?;
    Ok(if saved.report.ok() { 0 } else { 1 })
}

/// One line of `case list` and `case search`.
#[derive(Serialize)]
struct Row {
    id: String,
    full_name: String,
    status: String,
    version: u32,
    ticket: Option<String>,
    updated_at: String,
    /// When the counter's copy was removed (headquarters holds the closed case).
    purged_at: Option<String>,
}

fn rows(cases: Vec<loket_store::CaseSummary>) -> Vec<Row> {
    cases
        .into_iter()
        .map(|c| Row {
            id: c.id,
            full_name: c.full_name,
            status: c.status.to_string(),
            version: c.version,
            ticket: c.ticket,
            updated_at: c.updated_at,
            purged_at: c.purged_at,
        })
        .collect()
}

fn print_rows(rows: &[Row], json: bool, lang: Lang) -> Result<(), Failure> {
    if json {
        return print_json(&rows);
    }
    let (h_name, h_status, h_ticket, h_updated, purged) = match lang {
        Lang::Id => (
            "NAMA",
            "STATUS",
            "TIKET",
            "DIUBAH",
            "(dihapus dari laptop ini: ada di pusat)",
        ),
        Lang::En => (
            "NAME",
            "STATUS",
            "TICKET",
            "UPDATED",
            "(removed from this laptop: held at headquarters)",
        ),
    };
    line(&format!(
        "{:<36}  {:<9}  {:>3}  {:<8}  {:<25}  {}",
        "ID", h_status, "VER", h_ticket, h_updated, h_name
    ))?;
    for r in rows {
        line(&format!(
            "{:<36}  {:<9}  {:>3}  {:<8}  {:<25}  {}",
            r.id,
            r.status,
            r.version,
            r.ticket.as_deref().unwrap_or("-"),
            r.updated_at,
            if r.purged_at.is_some() {
                purged
            } else {
                &r.full_name
            }
        ))?;
    }
    Ok(())
}

pub fn list(common: &Common, json: bool) -> Result<u8, Failure> {
    let store = open(common)?;
    print_rows(&rows(store.list()?), json, common.lang)?;
    Ok(0)
}

pub fn search(common: &Common, query: &str, json: bool, limit: usize) -> Result<u8, Failure> {
    let store = open(common)?;
    print_rows(&rows(store.search(query, limit)?), json, common.lang)?;
    Ok(0)
}

pub fn show(common: &Common, id: &str, version: Option<u32>) -> Result<u8, Failure> {
    let store = open(common)?;
    let record = match version {
        None => store.case(id)?.map(|c| c.record),
        Some(v) => store.version(id, v)?.map(|v| v.record),
    };
    let record = record.ok_or_else(|| Failure::new(1, format!("no case {id} at this counter")))?;
    print_json(&record)?;
    Ok(0)
}

pub fn history(common: &Common, id: &str) -> Result<u8, Failure> {
    let store = open(common)?;
    let versions = store.versions(id)?;
    if versions.is_empty() {
        return Err(Failure::new(1, format!("no case {id} at this counter")));
    }
    #[derive(Serialize)]
    struct Entry {
        version: u32,
        saved_at: String,
        officer: String,
        status: String,
        reason: Option<String>,
        record_sha256: String,
    }
    let entries: Vec<Entry> = versions
        .into_iter()
        .map(|v| Entry {
            version: v.version,
            saved_at: v.saved_at,
            officer: v.officer,
            status: v.status.to_string(),
            reason: v.reason,
            record_sha256: v.record_sha256,
        })
        .collect();
    print_json(&entries)?;
    Ok(0)
}

pub fn finalize(common: &Common, id: &str) -> Result<u8, Failure> {
    let mut store = open(common)?;
    match store.finalize(id)? {
        Finalize::Done { version } => {
            let text = match common.lang {
                Lang::Id => format!("kasus {id} versi {version} difinalkan"),
                Lang::En => format!("case {id} version {version} finalised"),
            };
            line(&text)?;
            Ok(0)
        }
        Finalize::Blocked(report) => {
            print_json(&report.localized(common.lang))?;
            Ok(1)
        }
    }
}

pub fn close(common: &Common, id: &str, reason: &str) -> Result<u8, Failure> {
    let mut store = open(common)?;
    let version = store.close(id, reason)?;
    let text = match common.lang {
        Lang::Id => format!("kasus {id} ditutup (versi {version})"),
        Lang::En => format!("case {id} closed (version {version})"),
    };
    line(&text)?;
    Ok(0)
}

/// `case close-departed`: one line per case closed (or, with `--list`, per case that would
/// be), then how many.
pub fn close_departed(common: &Common, list: bool) -> Result<u8, Failure> {
    let mut store = open(common)?;
    let cases: Vec<(String, String)> = if list {
        store
            .departed_open()?
            .into_iter()
            .map(|(id, at)| (id, at.unwrap_or_default()))
            .collect()
    } else {
        store
            .close_departed()?
            .into_iter()
            .map(|(id, version)| (id, version.to_string()))
            .collect()
    };
    for (id, what) in &cases {
        line(&match (list, common.lang) {
            (true, Lang::Id) => format!("kasus {id}: berangkat menurut pusat {what}"),
            (true, Lang::En) => format!("case {id}: departed per headquarters {what}"),
            (false, Lang::Id) => format!("kasus {id} ditutup (versi {what})"),
            (false, Lang::En) => format!("case {id} closed (version {what})"),
        })?;
    }
    let n = cases.len();
    line(&match (list, common.lang) {
        (true, Lang::Id) => {
            format!("{n} kasus terbuka yang orangnya sudah berangkat menurut pusat")
        }
        (true, Lang::En) => format!("{n} open cases whose person headquarters reports departed"),
        (false, Lang::Id) => {
            format!("{n} kasus ditutup; dihapus dari loket ini setelah pusat menerimanya")
        }
        (false, Lang::En) => format!(
            "{n} cases closed; they leave this counter once headquarters holds the closings"
        ),
    })?;
    Ok(0)
}

pub fn audit_verify(common: &Common) -> Result<u8, Failure> {
    let store = open(common)?;
    match store.verify_audit()? {
        AuditCheck::Intact { entries } => {
            line(&format!("audit chain intact: {entries} entries"))?;
            Ok(0)
        }
        AuditCheck::Broken {
            seq: Some(seq),
            why,
        } => {
            line(&format!("audit chain broken at entry {seq}: {why}"))?;
            Ok(1)
        }
        AuditCheck::Broken { seq: None, why } => {
            line(&format!("audit chain broken: {why}"))?;
            Ok(1)
        }
    }
}

pub fn audit_log(
    common: &Common,
    json: bool,
    limit: u32,
    case: Option<&str>,
) -> Result<u8, Failure> {
    let store = open(common)?;
    let entries = match case {
        None => store.counter_log(limit)?,
        Some(id) => {
            let entries = store.audit_of(id)?;
            if entries.is_empty() {
                return Err(Failure::new(1, format!("no case {id} at this counter")));
            }
            entries
        }
    };
    if json {
        print_json(&entries)?;
        return Ok(0);
    }
    // A case's entries each concern a version of it; the counter's concern none.
    let rows: Vec<Vec<String>> = entries
        .into_iter()
        .map(|e| {
            let mut row = vec![e.seq.to_string(), e.at, e.officer, e.action];
            if case.is_some() {
                row.push(e.version.to_string());
            }
            row.push(e.detail.unwrap_or_default());
            row
        })
        .collect();
    let header: &[&str] = match case {
        None => &["ENTRY", "AT", "OFFICER", "ACTION", "DETAIL"],
        Some(_) => &["ENTRY", "AT", "OFFICER", "ACTION", "VERSION", "DETAIL"],
    };
    table(header, &rows)?;
    Ok(0)
}

pub fn hq_key(common: &Common, file: &std::path::Path, replace: bool) -> Result<u8, Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::new(1, format!("cannot read {}: {e}", file.display())))?;
    let key = loket_batch::HqPublic::from_json(&text)
        .map_err(|e| Failure::new(1, format!("{}: {e}", file.display())))?;
    let mut store = open(common)?;
    store.pin_hq_key(&key, replace)?;
    line(&format!(
        "headquarters' key pinned: batches go to {}",
        key.age_recipient()
    ))?;
    Ok(0)
}
