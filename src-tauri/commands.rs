//! The commands the window invokes. Each is a few lines over the core crates; every one is
//! granted by name in `capabilities/default.json` (see `COMMANDS` and `build.rs`).

use crate::error::{AppError, Result};
use crate::session::Session;
use crate::settings::Settings;
use loket_core::mrz::{parse_td3, MrzTd3};
use loket_core::{normalize, validate, IntakeRecord, Lang, Report};
use loket_pdf::cups::{self, Printers};
use loket_store::{
    start_of_local_day, AuditEntry, Case, CaseSummary, DeviceIdentity, ExitList, ExitListJob,
    ExitLists, Finalize, HqStatus, MissionCase, MissionProfile, RequestInfo, Saved, Store, Today,
    VersionInfo, VersionRecord,
};
use loket_sync::{SyncStatus, Worker};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use zeroize::Zeroizing;

include!("command_names.rs");

/// The Today screen lists at most this many of the day's cases (the latest; Cases has every
/// one). Drawing a table row costs the page ~0.2 ms: 1,000 rows took ~0.2 s of unlocking.
pub const TODAY_QUEUE: usize = 100;

/// At most this many matches of a search are counted and listed (reading them is cheap: only
/// the rows in view are read from the cases table).
pub const SEARCH_LIMIT: usize = 100_000;

/// A search lists at most this many matching cases of the mission's other counters.
pub const MISSION_SEARCH_LIMIT: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum StoreState {
    /// First run: no store in the data directory yet.
    Missing,
    /// Another Loket window has this data directory open.
    InUse,
    Locked,
    Open,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AppStatus {
    pub store: StoreState,
    pub lang: Lang,
    pub mission: Option<String>,
    pub officer: Option<String>,
    pub data_dir: String,
}

/// One stretch of a case list: `total` rows exist, `items` start at the asked offset.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CasePage {
    pub total: u32,
    pub items: Vec<CaseSummary>,
}

/// A case's versions, the audit entries about it and its SPLP requests.
#[derive(Debug, Clone, Serialize, TS)]
pub struct History {
    pub versions: Vec<VersionInfo>,
    pub audit: Vec<AuditEntry>,
    pub requests: Vec<RequestInfo>,
    /// Headquarters' latest status update (SPLP issued, departed), once the index has one.
    pub hq_status: Option<HqStatus>,
    /// When the case was removed from this counter, headquarters holding it closed: there is
    /// no record to show then.
    pub purged_at: Option<String>,
}

fn today_date() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

#[tauri::command]
pub async fn status(session: State<'_, Session>) -> Result<AppStatus> {
    let slot = session.slot();
    let (store, mission, officer) = match &*slot {
        Some(store) => (
            StoreState::Open,
            Some(store.mission()?),
            Some(store.officer().to_string()),
        ),
        None if session.in_use => (StoreState::InUse, None, None),
        None if Store::exists(&session.dir) => (StoreState::Locked, None, None),
        None => (StoreState::Missing, None, None),
    };
    Ok(AppStatus {
        store,
        lang: session.settings().lang,
        mission,
        officer,
        data_dir: session.dir.display().to_string(),
    })
}

#[tauri::command]
pub async fn create_store(
    session: State<'_, Session>,
    mission: String,
    passphrase: String,
    officer: String,
) -> Result<DeviceIdentity> {
    let passphrase = Zeroizing::new(passphrase);
    session.writable()?;
    let (store, identity) = Store::init(&session.dir, &officer, &passphrase, mission.trim())?;
    *session.slot() = Some(store);
    Ok(identity)
}

/// Unlocks the store with `officer`'s own login.
#[tauri::command]
pub async fn unlock(
    session: State<'_, Session>,
    passphrase: String,
    officer: String,
) -> Result<()> {
    let passphrase = Zeroizing::new(passphrase);
    session.writable()?;
    let store = Store::open(&session.dir, &officer, &passphrase)?;
    *session.slot() = Some(store);
    Ok(())
}

/// The officers with a login at this counter, and which of them has the store open.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Officers {
    pub you: String,
    pub officers: Vec<String>,
}

fn officers_of(store: &Store) -> Result<Officers> {
    Ok(Officers {
        you: store.officer().to_string(),
        officers: store.officers()?,
    })
}

#[tauri::command]
pub async fn officers(session: State<'_, Session>) -> Result<Officers> {
    session.with(|store| officers_of(store))
}

/// Gives `name` a login; `own_passphrase` is the current officer's, asked again.
#[tauri::command]
pub async fn add_officer(
    session: State<'_, Session>,
    own_passphrase: String,
    name: String,
    passphrase: String,
) -> Result<Officers> {
    let (own, passphrase) = (Zeroizing::new(own_passphrase), Zeroizing::new(passphrase));
    session.with(|store| {
        store.add_officer(&own, &name, &passphrase)?;
        officers_of(store)
    })
}

#[tauri::command]
pub async fn remove_officer(
    session: State<'_, Session>,
    own_passphrase: String,
    name: String,
) -> Result<Officers> {
    let own = Zeroizing::new(own_passphrase);
    session.with(|store| {
        store.remove_officer(&own, &name)?;
        officers_of(store)
    })
}

#[tauri::command]
pub async fn change_passphrase(
    session: State<'_, Session>,
    own_passphrase: String,
    passphrase: String,
) -> Result<()> {
    let (own, passphrase) = (Zeroizing::new(own_passphrase), Zeroizing::new(passphrase));
    session.with(|store| Ok(store.change_passphrase(&own, &passphrase)?))
}

/// What was done at the counter itself (logins, headquarters' key, the mission, batches),
/// newest first: the last 200 entries.
#[tauri::command]
pub async fn counter_log(session: State<'_, Session>) -> Result<Vec<AuditEntry>> {
    session.with(|store| Ok(store.counter_log(200)?))
}

#[tauri::command]
pub async fn lock(session: State<'_, Session>) -> Result<()> {
    *session.slot() = None;
    loket_pdf::viewer::clear();
    Ok(())
}

#[tauri::command]
pub async fn set_language(session: State<'_, Session>, lang: Lang) -> Result<()> {
    session.set_settings(Settings {
        lang,
        ..session.settings()
    })
}

/// The mission as requests print it.
#[tauri::command]
pub async fn mission(session: State<'_, Session>) -> Result<MissionProfile> {
    session.with(|store| Ok(store.mission_profile()?))
}

/// Sets the mission's code, name, address and city; returns them as stored.
#[tauri::command]
pub async fn set_mission(
    session: State<'_, Session>,
    mission: MissionProfile,
) -> Result<MissionProfile> {
    session.with(|store| {
        store.set_mission(&mission.code)?;
        store.set_mission_details(&mission.name, &mission.address, &mission.city)?;
        Ok(store.mission_profile()?)
    })
}

/// Headquarters' address for network sync; none when the counter syncs by USB only.
#[tauri::command]
pub async fn hq_url(session: State<'_, Session>) -> Result<Option<String>> {
    session.with(|store| Ok(store.hq_url()?))
}

/// Sets headquarters' address (checked; empty clears it: USB only); returns it as stored. A
/// new address is tried at once.
#[tauri::command]
pub async fn set_hq_url(
    session: State<'_, Session>,
    sync: State<'_, Worker>,
    url: String,
) -> Result<Option<String>> {
    let stored = session.with(|store| Ok(store.set_hq_url(Some(&url))?))?;
    if stored.is_some() {
        sync.sync_now();
    }
    Ok(stored)
}

/// The status bar: the sync worker's state, and what headquarters has not acknowledged yet
/// counted now (the officer finalises cases between the worker's steps).
#[derive(Debug, Clone, Serialize, TS)]
pub struct SyncState {
    #[serde(flatten)]
    #[ts(flatten)]
    pub worker: SyncStatus,
    /// Finalised case versions headquarters has not acknowledged, sealed or not.
    pub unacknowledged_versions: u32,
    /// Prints, reprints and voids of SPLP requests headquarters has not acknowledged.
    pub unacknowledged_requests: u32,
}

#[tauri::command]
pub async fn sync_status(
    session: State<'_, Session>,
    sync: State<'_, Worker>,
) -> Result<SyncState> {
    let waiting = session.with(|store| Ok(store.unacknowledged()?))?;
    Ok(SyncState {
        worker: sync.status(),
        unacknowledged_versions: count(waiting.versions),
        unacknowledged_requests: count(waiting.requests),
    })
}

/// Asks the sync worker for a round now (after the one under way, if any).
#[tauri::command]
pub async fn sync_now(session: State<'_, Session>, sync: State<'_, Worker>) -> Result<()> {
    session.with(|_| Ok(()))?;
    sync.sync_now();
    Ok(())
}

/// Validation as the officer types: the findings the saved record would get, duplicates
/// included when the store is open.
#[tauri::command]
pub async fn check(session: State<'_, Session>, mut record: IntakeRecord) -> Result<Report> {
    let slot = session.slot();
    let mission = match &*slot {
        Some(store) => store.mission()?,
        None => String::new(),
    };
    normalize(&mut record, &mission, String::new);
    let mut report = validate(&record, today_date());
    if let Some(store) = &*slot {
        report.findings.extend(store.duplicate_candidates(&record)?);
    }
    Ok(report)
}

#[tauri::command]
pub async fn save(
    session: State<'_, Session>,
    record: IntakeRecord,
    reason: Option<String>,
) -> Result<Saved> {
    session.with(|store| Ok(store.save(record, reason.as_deref())?))
}

#[tauri::command]
pub async fn finalize(session: State<'_, Session>, id: String) -> Result<Finalize> {
    session.with(|store| Ok(store.finalize(&id)?))
}

#[tauri::command]
pub async fn close_case(session: State<'_, Session>, id: String, reason: String) -> Result<u32> {
    session.with(|store| Ok(store.close(&id, &reason)?))
}

/// The finalised cases here whose person headquarters reports departed (after a sync).
#[tauri::command]
pub async fn departed_open(session: State<'_, Session>) -> Result<Vec<String>> {
    session.with(|store| {
        Ok(store
            .departed_open()?
            .into_iter()
            .map(|(id, _)| id)
            .collect())
    })
}

/// Closes every case of `departed_open`, each a closing by the officer; how many.
#[tauri::command]
pub async fn close_departed(session: State<'_, Session>) -> Result<u32> {
    session.with(|store| Ok(store.close_departed()?.len() as u32))
}

#[tauri::command]
pub async fn case(session: State<'_, Session>, id: String) -> Result<Case> {
    session.with(|store| {
        store
            .case(&id)?
            .ok_or_else(|| loket_store::StoreError::CaseNotFound { id }.into())
    })
}

#[tauri::command]
pub async fn history(session: State<'_, Session>, id: String) -> Result<History> {
    session.with(|store| {
        Ok(History {
            versions: store.versions(&id)?,
            audit: store.audit_of(&id)?,
            requests: store.requests_of(&id)?,
            hq_status: store.hq_status(&id)?,
            purged_at: store.purged_at(&id)?,
        })
    })
}

#[tauri::command]
pub async fn version(
    session: State<'_, Session>,
    id: String,
    version: u32,
) -> Result<VersionRecord> {
    session.with(|store| {
        store
            .version(&id, version)?
            .ok_or_else(|| loket_store::StoreError::CaseNotFound { id }.into())
    })
}

/// Every case (newest first) or the matches of `query`, one stretch at a time.
#[tauri::command]
pub async fn cases(
    session: State<'_, Session>,
    query: String,
    offset: u32,
    limit: u32,
) -> Result<CasePage> {
    session.with(|store| {
        if query.trim().is_empty() {
            return Ok(CasePage {
                total: store.count()? as u32,
                items: store.page(offset.into(), limit.into())?,
            });
        }
        let found = store.search_page(&query, offset as usize, limit as usize, SEARCH_LIMIT)?;
        Ok(CasePage {
            total: found.total as u32,
            items: found.items,
        })
    })
}

/// The cases of the mission's other counters that match `query` (from headquarters' index):
/// shown, never opened, here.
#[tauri::command]
pub async fn mission_cases(session: State<'_, Session>, query: String) -> Result<Vec<MissionCase>> {
    session.with(|store| Ok(store.search_mission(&query, MISSION_SEARCH_LIMIT)?))
}

#[tauri::command]
pub async fn today(session: State<'_, Session>) -> Result<Today> {
    session.with(|store| Ok(store.today(&start_of_local_day(), TODAY_QUEUE)?))
}

/// The two lines a passport reader typed, parsed; a failed check digit is in `checks`.
#[tauri::command]
pub async fn read_mrz(line1: String, line2: String) -> Result<MrzTd3> {
    parse_td3(&line1, &line2, today_date()).map_err(|e| AppError::new(e.code, e.message.en.clone()))
}

/// The printers CUPS offers; the default is the one last chosen here, else the system's.
#[tauri::command]
pub async fn printers(session: State<'_, Session>) -> Result<Printers> {
    let settings = session.settings();
    let mut printers = cups::printers(settings.print_server.as_deref());
    if let Some(chosen) = settings.printer {
        if printers.names.contains(&chosen) {
            printers.default = Some(chosen);
        }
    }
    Ok(printers)
}

/// Prints case `id`'s SPLP request on `printer`, or opens it in the system's viewer when no
/// printer is given. A reprint needs `reason`. The page never touches the disk on the way to
/// a printer; nothing is recorded when it cannot be handed over.
#[tauri::command]
pub async fn print_request(
    session: State<'_, Session>,
    id: String,
    printer: Option<String>,
    reason: Option<String>,
) -> Result<RequestInfo> {
    let server = session.settings().print_server;
    let request = session.with(|store| {
        let (request, ()) = store.print_request(&id, reason.as_deref(), |job| {
            hand_over(
                server.as_deref(),
                printer.as_deref(),
                &loket_pdf::render_job(job)?,
            )
        })??;
        Ok(request)
    })?;
    remember_printer(&session, printer)?;
    Ok(request)
}

/// Hands a rendered PDF to `printer` through CUPS, or to the system's viewer when none is
/// given; the bytes never touch the disk on the way to a printer.
fn hand_over(server: Option<&str>, printer: Option<&str>, pdf: &[u8]) -> Result<()> {
    match printer {
        Some(name) => cups::spool(server, name, pdf).map(drop)?,
        None => loket_pdf::viewer::open(pdf).map(drop)?,
    }
    Ok(())
}

/// Makes `printer`, when one was used, the one offered first next time.
fn remember_printer(session: &Session, printer: Option<String>) -> Result<()> {
    if printer.is_some() && printer != session.settings().printer {
        session.set_settings(Settings {
            printer,
            ..session.settings()
        })?;
    }
    Ok(())
}

/// The exit-permit lists made here, and how many people wait for the next one.
#[tauri::command]
pub async fn exit_lists(session: State<'_, Session>) -> Result<ExitLists> {
    session.with(|store| Ok(store.exit_lists()?))
}

/// Prints exit-permit list `label` again, or, without one, makes the next list; on `printer`,
/// or in the system's viewer when none is given. No list is made when it cannot be handed
/// over.
#[tauri::command]
pub async fn print_exit_list(
    session: State<'_, Session>,
    label: Option<String>,
    printer: Option<String>,
) -> Result<ExitList> {
    let server = session.settings().print_server;
    let deliver = |job: &ExitListJob| {
        let pdf = loket_pdf::render_exit_list_job(job)?;
        hand_over(server.as_deref(), printer.as_deref(), &pdf)
    };
    let list = session.with(|store| {
        let (list, ()) = match &label {
            Some(label) => store.reprint_exit_list(label, deliver)??,
            None => store.make_exit_list(deliver)??,
        };
        Ok(list)
    })?;
    remember_printer(&session, printer)?;
    Ok(list)
}

/// Voids request `serial` with `reason`; it keeps its number.
#[tauri::command]
pub async fn void_request(
    session: State<'_, Session>,
    serial: String,
    reason: String,
) -> Result<RequestInfo> {
    session.with(|store| Ok(store.void_request(&serial, &reason)?))
}

/// Attaches the photo in the request's body (JPEG or PNG bytes, as read from the file the
/// officer chose) to the case named by the `case-id` header; cropped to 3:4 first.
#[tauri::command]
pub async fn attach_photo(
    session: State<'_, Session>,
    request: tauri::ipc::Request<'_>,
) -> Result<()> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::new(
            "photo.invalid",
            "the photo must be sent as bytes",
        ));
    };
    let id = request
        .headers()
        .get("case-id")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| AppError::new("case.invalid_id", "no case named for the photo"))?
        .to_string();
    let photo = loket_pdf::Photo::from_image(bytes)?;
    session.with(|store| {
        store.attach_photo(&id, photo.jpeg())?;
        Ok(())
    })
}

/// Case `id`'s photo as a `data:` URL for an <img>, if it has one.
#[tauri::command]
pub async fn photo(session: State<'_, Session>, id: String) -> Result<Option<String>> {
    use base64::Engine;
    session.with(|store| {
        Ok(store.photo(&id)?.map(|jpeg| {
            format!(
                "data:image/jpeg;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(jpeg)
            )
        }))
    })
}

/// What is waiting for headquarters, and where a USB stick could be written.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UsbState {
    /// Finalised case versions not yet sealed into a batch.
    pub waiting_versions: u32,
    /// Prints, reprints and voids of SPLP requests not yet sealed into a batch.
    pub waiting_requests: u32,
    /// Sealed batches headquarters has not acknowledged (each export writes them all).
    pub unacknowledged_batches: u32,
    /// Cases whose current version headquarters holds.
    pub acknowledged_cases: u32,
    /// Whether headquarters' key is pinned (`loket hq-key`): without it nothing can be sealed.
    pub hq_key: bool,
    /// Mounted USB sticks, as folders.
    pub sticks: Vec<String>,
}

/// What an export to a stick did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UsbExport {
    /// Case versions sealed into a new batch by this export (0 when none was waiting).
    pub sealed_versions: u32,
    /// Prints, reprints and voids of requests sealed into that batch.
    pub sealed_requests: u32,
    /// The batch files now on the stick.
    pub files: Vec<String>,
}

/// What a receipt from headquarters acknowledged.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReceiptApplied {
    pub new_versions: u32,
    pub new_cases: u32,
    pub total_versions: u32,
    /// Versions named with a hash this counter does not have: not acknowledged.
    pub mismatched: u32,
    /// Closed cases removed from this counter, headquarters now holding them.
    pub purged: u32,
}

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[tauri::command]
pub async fn usb_state(session: State<'_, Session>) -> Result<UsbState> {
    session.with(|store| {
        let counts = store.sync_counts()?;
        Ok(UsbState {
            waiting_versions: count(counts.unsealed_versions),
            waiting_requests: count(counts.unsealed_requests),
            unacknowledged_batches: count(counts.unacknowledged_batches),
            acknowledged_cases: count(counts.acknowledged_cases),
            hq_key: store.hq_key()?.is_some(),
            sticks: loket_store::mounted_sticks()
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
        })
    })
}

/// Seals what is waiting and writes every unacknowledged batch to the folder `dir`.
#[tauri::command]
pub async fn export_usb(session: State<'_, Session>, dir: String) -> Result<UsbExport> {
    session.with(|store| {
        let exported = store.export_to(std::path::Path::new(&dir))?;
        Ok(UsbExport {
            sealed_versions: exported
                .sealed
                .as_ref()
                .map_or(0, |b| count(b.record_count)),
            sealed_requests: exported
                .sealed
                .as_ref()
                .map_or(0, |b| count(b.request_count)),
            files: exported
                .files
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
        })
    })
}

/// Applies headquarters' receipt found in the folder `dir` (or the file `dir`).
#[tauri::command]
pub async fn apply_receipt(session: State<'_, Session>, dir: String) -> Result<ReceiptApplied> {
    session.with(|store| {
        let ack = store.apply_receipt_file(std::path::Path::new(&dir))?;
        Ok(ReceiptApplied {
            new_versions: count(ack.new_versions),
            new_cases: count(ack.new_cases),
            total_versions: count(ack.total_versions),
            mismatched: count(ack.mismatched),
            purged: count(ack.purged),
        })
    })
}
