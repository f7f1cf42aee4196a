//! Shared helpers: a headquarters on either backend, a counter that seals real batches from
//! the spec's example record, and tools to take a batch apart and tamper with it.
#![allow(dead_code)]

pub mod pg;
#[path = "../../../batch/tests/common/tamper.rs"]
pub mod tamper;
#[allow(unused_imports)]
pub use tamper::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, FixedOffset};
use ed25519_dalek::SigningKey;
use loket_batch::*;
use loket_core::status::CaseStatus;
use loket_hq::{Counts, DatabaseUrl, Hq, WorkFactor};

pub const EXAMPLE: &str = include_str!("../../../core/tests/fixtures/example.json");
/// The first operator's login, made by `Site::new`: whose every `site.hq()` and `site.cli()`
/// is, unless a test names another.
pub const OPERATOR: &str = "ops-jakarta";
pub const PASSPHRASE: &str = "correct horse battery";

/// The passphrase of another operator's login in these tests.
pub fn passphrase_of(operator: &str) -> String {
    format!("passphrase of {operator}")
}

/// Runs each named test function once per backend: `mod sqlite` and `mod postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name($crate::common::Backend::Sqlite) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name($crate::common::Backend::Postgres) } )*
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

pub fn case_id(i: usize) -> String {
    format!("0190f3c2-8a7e-7b7c-9a51-{i:012x}")
}

/// The example record as case `i`, version `v` (later versions change the ticket).
pub fn record_text(i: usize, v: u64) -> String {
    let text = EXAMPLE.replace("0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11", &case_id(i));
    if v == 1 {
        text
    } else {
        text.replace("A-042", &format!("B-{v:03}"))
    }
}

/// A fake JPEG of about `size` bytes, different per case.
pub fn photo_sized(i: usize, size: usize) -> Vec<u8> {
    let mut p = vec![0xFF, 0xD8, 0xFF, 0xE0];
    p.extend((i as u64).to_le_bytes());
    let mut x = i as u64 ^ 0x9E37_79B9_7F4A_7C15;
    p.extend((0..size).map(|_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as u8
    }));
    p.extend([0xFF, 0xD9]);
    p
}

pub fn photo(i: usize) -> Vec<u8> {
    photo_sized(i, 3000)
}

/// Case `i` at version `v`, with its photo.
pub fn entry(i: usize, v: u64) -> RecordEntry {
    RecordEntry {
        case_id: case_id(i),
        version: v,
        status: CaseStatus::Finalised,
        saved_at: at("2026-01-19T09:30:00+07:00") + chrono::Duration::minutes(v as i64),
        officer: "officer1".into(),
        reason: (v > 1).then(|| "corrected ticket".to_owned()),
        photo_sha256: Some(sha256_hex(&photo(i))),
        record_text: record_text(i, v),
    }
}

/// These case versions, and each case's photo once.
fn with_photos(versions: &[(usize, u64)]) -> (Vec<RecordEntry>, Vec<Vec<u8>>) {
    let records = versions.iter().map(|&(i, v)| entry(i, v)).collect();
    let mut cases: Vec<usize> = versions.iter().map(|&(i, _)| i).collect();
    cases.sort_unstable();
    cases.dedup();
    (records, cases.into_iter().map(photo).collect())
}

/// Case 5 as another person: another NIK and passport number, its photo `photo(5)`.
pub fn another_person() -> RecordEntry {
    let mut e = entry(5, 1);
    e.record_text = record_text(5, 1)
        .replace("3203415204990001", "3203415204990002")
        .replace("C1234567", "C7654321");
    e
}

/// A counter: its key, and the chain of batches it has sealed.
pub struct Counter {
    pub key: SigningKey,
    pub device_id: String,
    pub mission: String,
    /// Manifest hashes of the batches sealed, batch 1 first.
    pub chain: Vec<String>,
}

impl Counter {
    pub fn new(device_id: &str) -> Counter {
        Counter {
            key: SigningKey::generate(&mut rand::rngs::OsRng),
            device_id: device_id.into(),
            mission: "PNH".into(),
            chain: Vec::new(),
        }
    }

    pub fn card(&self) -> DeviceCard {
        DeviceCard {
            device_id: self.device_id.clone(),
            mission: self.mission.clone(),
            public_key: self.key.verifying_key(),
        }
    }

    /// Seals batch `sequence` after `previous` (a manifest hash), with these case versions.
    pub fn seal_as(
        &self,
        hq: &HqPublic,
        sequence: u64,
        previous: Option<String>,
        versions: &[(usize, u64)],
    ) -> Sealed {
        let (records, photos) = with_photos(versions);
        self.seal_records(hq, sequence, previous, records, photos, Vec::new())
    }

    /// Seals the next batch of the chain with these case versions and request events.
    pub fn seal_next_with(
        &mut self,
        hq: &HqPublic,
        versions: &[(usize, u64)],
        requests: Vec<RequestEvent>,
    ) -> Vec<u8> {
        let (records, photos) = with_photos(versions);
        let sealed = self.seal_records(
            hq,
            self.chain.len() as u64 + 1,
            self.chain.last().cloned(),
            records,
            photos,
            requests,
        );
        self.chain.push(sealed.manifest_sha256.clone());
        sealed.bytes
    }

    /// Seals batch `sequence` after `previous` from these records, photos and request
    /// events, as given.
    pub fn seal_records(
        &self,
        hq: &HqPublic,
        sequence: u64,
        previous: Option<String>,
        records: Vec<RecordEntry>,
        attachments: Vec<Vec<u8>>,
        requests: Vec<RequestEvent>,
    ) -> Sealed {
        let input = SealInput {
            device_id: self.device_id.clone(),
            mission: self.mission.clone(),
            sequence,
            previous_manifest_sha256: previous,
            created_at: at("2026-01-19T18:00:00+07:00"),
            audit_head: AuditHead {
                seq: 42,
                hash: "ab".repeat(32),
            },
            records,
            attachments,
            requests,
        };
        seal(&input, &self.key, hq).unwrap()
    }

    /// Seals the next batch of the chain.
    pub fn seal_next(&mut self, hq: &HqPublic, versions: &[(usize, u64)]) -> Vec<u8> {
        self.seal_next_with(hq, versions, Vec::new())
    }

    /// Batch 1 of a counter of another mission than the example's (`mission`): the example
    /// records `cases` (version 1) with their mission changed.
    pub fn seal_first_in_mission(&self, hq: &HqPublic, cases: &[usize]) -> Vec<u8> {
        let records = cases
            .iter()
            .map(|&i| {
                let mut e = entry(i, 1);
                e.record_text = e.record_text.replace(
                    "\"mission\": \"PNH\"",
                    &format!("\"mission\": \"{}\"", self.mission),
                );
                e
            })
            .collect();
        let photos = cases.iter().map(|&i| photo(i)).collect();
        self.seal_records(hq, 1, None, records, photos, Vec::new())
            .bytes
    }
}

/// A headquarters in a temporary directory, on one backend.
pub struct Site {
    pub backend: Backend,
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    /// The `--database` URL, `None` for the default SQLite file.
    pub database: Option<String>,
}

impl Site {
    /// An initialised headquarters (with a trivial scrypt cost).
    pub fn new(backend: Backend) -> Site {
        let site = Site::uninitialised(backend);
        Hq::init_with(
            &site.dir,
            &site.url(),
            OPERATOR,
            PASSPHRASE,
            WorkFactor::insecure_for_tests(),
        )
        .unwrap();
        site
    }

    /// Gives each of `names` a login, with the passphrase `passphrase_of(name)`.
    /// A headquarters with two counters enrolled: PNH-01, of the example records' mission,
    /// and KUL-01, of mission KUL.
    pub fn with_two_missions(backend: Backend) -> (Site, Counter, Counter) {
        let site = Site::new(backend);
        let pnh = Counter::new("PNH-01");
        let mut kul = Counter::new("KUL-01");
        kul.mission = "KUL".into();
        site.enrol(&pnh);
        site.enrol(&kul);
        (site, pnh, kul)
    }

    pub fn add_operators(&self, names: &[&str]) {
        let mut hq = self.hq();
        for name in names {
            hq.add_operator(name, &passphrase_of(name)).unwrap();
        }
    }

    /// Headquarters unlocked with `operator`'s login (`passphrase_of(operator)`).
    pub fn hq_as(&self, operator: &str) -> Hq {
        Hq::open_with(
            &self.dir,
            &self.url(),
            operator,
            &passphrase_of(operator),
            WorkFactor::insecure_for_tests(),
        )
        .unwrap()
    }

    /// A data directory and (for PostgreSQL) an empty database; nothing initialised.
    pub fn uninitialised(backend: Backend) -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("hq");
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(pg::new_database()),
        };
        Site {
            backend,
            tmp,
            dir,
            database,
        }
    }

    pub fn url(&self) -> DatabaseUrl {
        DatabaseUrl::parse(self.database.as_deref(), &self.dir).unwrap()
    }

    pub fn hq(&self) -> Hq {
        Hq::open_with(
            &self.dir,
            &self.url(),
            OPERATOR,
            PASSPHRASE,
            WorkFactor::insecure_for_tests(),
        )
        .unwrap()
    }

    pub fn counts(&self) -> Counts {
        self.hq().counts().unwrap()
    }

    pub fn public(&self) -> HqPublic {
        HqPublic::from_json(&std::fs::read_to_string(self.dir.join("hq-key.json")).unwrap())
            .unwrap()
    }

    /// Pins this headquarters' key on a counter, from the file `loket-hq init` names.
    pub fn pin(&self, counter: &mut loket_store::Store) {
        counter.pin_hq_key(&self.public(), false).unwrap();
    }

    /// Headquarters' secret keys, read from the first operator's login as loket-hq does.
    pub fn secret(&self) -> HqSecret {
        use base64::Engine;
        let logins: serde_json::Value =
            serde_json::from_slice(&std::fs::read(self.dir.join("hq-logins.json")).unwrap())
                .unwrap();
        let first = &logins["logins"][0];
        assert_eq!(first["operator"], OPERATOR);
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(first["keys"].as_str().unwrap())
            .unwrap();
        let identity = age::scrypt::Identity::new(PASSPHRASE.to_owned().into());
        let plain = age::decrypt(&identity, &sealed).unwrap();
        let text = String::from_utf8(plain).unwrap();
        HqSecret::from_secret_json(text.lines().next().unwrap()).unwrap()
    }

    /// A folder standing for the USB stick.
    pub fn usb(&self) -> PathBuf {
        let p = self.tmp.path().join("usb");
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    /// Writes a batch file onto the stick.
    pub fn put(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.usb().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// `loket-hq ARGS` with this site's data dir and database, as the first operator.
    pub fn cli(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_loket-hq"));
        cmd.args(args)
            .env("LOKET_HQ_DATA_DIR", &self.dir)
            .env("LOKET_HQ_OPERATOR", OPERATOR)
            .env("LOKET_HQ_PASSPHRASE", PASSPHRASE)
            .env_remove("LOKET_HQ_DATABASE")
            .env_remove("LOKET_HQ_NEW_PASSPHRASE");
        if let Some(url) = &self.database {
            cmd.env("LOKET_HQ_DATABASE", url);
        }
        cmd
    }

    /// Enrols a counter through the library.
    pub fn enrol(&self, counter: &Counter) {
        self.hq().enrol(&counter.card()).unwrap();
    }
}

/// The passphrase of the counters' stores in these tests.
pub const COUNTER_PASSPHRASE: &str = "counter passphrase";
/// The officer whose login the counters' stores are made with.
pub const COUNTER_OFFICER: &str = "officer";

/// A new counter store of mission PNH in `dir` (with a trivial key-derivation cost).
pub fn counter_store(dir: &Path) -> loket_store::Store {
    loket_store::Store::init_with(
        dir,
        COUNTER_OFFICER,
        COUNTER_PASSPHRASE,
        "PNH",
        loket_store::KdfParams::insecure_for_tests(),
    )
    .unwrap()
    .0
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The receipt's content (verified with headquarters' public key).
pub fn verify_receipt(text: &[u8], hq: &HqPublic) -> Receipt {
    Receipt::verify(text, &hq.sign).unwrap()
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}
