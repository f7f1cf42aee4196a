//! One function per command; each returns its exit code or a failure.

use std::path::{Path, PathBuf};

use loket_batch::DeviceCard;
use loket_hq::{DatabaseUrl, Enrolment, Hq, HqStatus, Outcome, PersonKey};

use crate::args::{Cli, Command, Common, DeviceCommand, OperatorCommand};
use loket_term::{json as print_json, line, table, Failure, Passphrase};

/// The operator's passphrase: `LOKET_HQ_PASSPHRASE`, else the terminal.
const PASSPHRASE: Passphrase = Passphrase {
    env: "LOKET_HQ_PASSPHRASE",
    locked: "headquarters' keys are encrypted",
};

/// A new passphrase (another operator's, or one's own): `LOKET_HQ_NEW_PASSPHRASE`, else typed
/// twice on the terminal.
const NEW_PASSPHRASE: Passphrase = Passphrase {
    env: "LOKET_HQ_NEW_PASSPHRASE",
    locked: "a new passphrase is needed",
};

fn new_passphrase(which: &Passphrase) -> Result<zeroize::Zeroizing<String>, Failure> {
    which.new_one(
        loket_hq::MIN_PASSPHRASE_CHARS,
        &loket_hq::HqError::ShortPassphrase.to_string(),
    )
}

pub fn run(cli: Cli) -> Result<u8, Failure> {
    let common = &cli.common;
    match cli.command {
        Command::Init => init(common),
        Command::Operator(OperatorCommand::List { json }) => operators(common, json),
        Command::Operator(OperatorCommand::Add { name }) => add_operator(common, &name),
        Command::Operator(OperatorCommand::Remove { name }) => remove_operator(common, &name),
        Command::Operator(OperatorCommand::Passphrase) => change_passphrase(common),
        Command::Device(DeviceCommand::Add { file }) => device_add(common, &file),
        Command::Devices { json } => devices(common, json),
        Command::Import { file } => import(common, &file),
        Command::VerifyQr { payload } => verify_qr(common, &payload),
        Command::Cases { json } => cases(common, json),
        Command::Requests { json } => requests(common, json),
        Command::Person {
            nik,
            passport,
            case,
        } => person(common, nik, passport, case),
        Command::Photo { case_id, out } => photo(common, &case_id, &out),
        Command::Status {
            list: Some(list),
            json,
            ..
        } => status_list(common, &list, json),
        Command::Status {
            case_id: Some(case_id),
            status: Some(status),
            ..
        } => set_status(common, &case_id, &status),
        Command::Status { .. } => Err(Failure::new(2, "give CASE_ID STATUS, or --list FILE")),
        Command::Report {
            since,
            mission,
            json,
        } => report(common, since, mission.as_deref(), json),
        Command::AccessLog { json, case, limit } => access_log(common, json, case, limit),
        Command::Exposure { device_id, json } => exposure(common, &device_id, json),
        Command::Serve {
            listen,
            connections,
            page_size,
        } => serve(
            common,
            &loket_hq::serve::Options {
                listen,
                connections: connections.map(usize::from),
                page_size,
            },
        ),
    }
}

fn data_dir(common: &Common) -> Result<PathBuf, Failure> {
    common
        .data_dir
        .clone()
        .or_else(loket_hq::default_dir)
        .ok_or_else(|| Failure::new(1, "no data directory: give --data-dir DIR"))
}

fn database(common: &Common, dir: &Path) -> Result<DatabaseUrl, Failure> {
    Ok(DatabaseUrl::parse(common.database.as_deref(), dir)?)
}

fn open(common: &Common) -> Result<Hq, Failure> {
    let dir = data_dir(common)?;
    let url = database(common, &dir)?;
    if !loket_hq::initialised(&dir) {
        return Err(loket_hq::HqError::NotInitialised { dir }.into());
    }
    let pass = PASSPHRASE.existing()?;
    Ok(Hq::open(&dir, &url, &operator(common), &pass)?)
}

/// Whose login: `--operator` (`LOKET_HQ_OPERATOR`) as given, else the system user.
fn operator(common: &Common) -> String {
    if let Some(name) = &common.operator {
        return name.clone();
    }
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|name| !name.trim().is_empty())
        .unwrap_or_else(|| loket_hq::DEFAULT_OPERATOR.to_owned())
}

fn init(common: &Common) -> Result<u8, Failure> {
    let dir = data_dir(common)?;
    let url = database(common, &dir)?;
    if loket_hq::initialised(&dir) {
        return Err(loket_hq::HqError::AlreadyInitialised { dir }.into());
    }
    let pass = new_passphrase(&PASSPHRASE)?;
    let hq = Hq::init(&dir, &url, &operator(common), &pass)?;
    line(&hq.public_key_path().display().to_string())?;
    Ok(0)
}

/// `operator list`: every operator with a login; the one running the command is marked.
fn operators(common: &Common, json: bool) -> Result<u8, Failure> {
    let hq = open(common)?;
    let operators = hq.operators()?;
    if json {
        print_json(&operators)?;
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = operators
        .into_iter()
        .map(|o| {
            let name = if o.name == hq.operator() {
                format!("{} (you)", o.name)
            } else {
                o.name
            };
            vec![name, o.added_at]
        })
        .collect();
    table(&["OPERATOR", "ADDED"], &rows)?;
    Ok(0)
}

fn add_operator(common: &Common, name: &str) -> Result<u8, Failure> {
    let mut hq = open(common)?;
    let pass = new_passphrase(&NEW_PASSPHRASE)?;
    let name = hq.add_operator(name, &pass)?;
    line(&format!(
        "operator {name} can now unlock headquarters with their own passphrase"
    ))?;
    Ok(0)
}

fn remove_operator(common: &Common, name: &str) -> Result<u8, Failure> {
    let mut hq = open(common)?;
    let name = hq.remove_operator(name)?;
    line(&format!(
        "operator {name}'s login was removed; their access log entries stay"
    ))?;
    Ok(0)
}

fn change_passphrase(common: &Common) -> Result<u8, Failure> {
    let mut hq = open(common)?;
    let pass = new_passphrase(&NEW_PASSPHRASE)?;
    hq.change_passphrase(&pass)?;
    line(&format!("{}'s passphrase was changed", hq.operator()))?;
    Ok(0)
}

fn device_add(common: &Common, file: &Path) -> Result<u8, Failure> {
    // A device card is a few hundred bytes; anything far larger is not one.
    let text = std::fs::read(file)
        .map_err(|e| Failure::new(1, format!("cannot read {}: {e}", file.display())))?;
    let card = std::str::from_utf8(&text)
        .ok()
        .filter(|_| text.len() <= 64 * 1024)
        .and_then(|t| DeviceCard::from_json(t).ok())
        .ok_or_else(|| {
            Failure::new(
                1,
                format!(
                    "{} is not a device identity file (loket.device/1, as `loket device` prints)",
                    file.display()
                ),
            )
        })?;
    let mut hq = open(common)?;
    let message = match hq.enrol(&card)? {
        Enrolment::Enrolled => format!(
            "enrolled device {} (mission {})",
            card.device_id, card.mission
        ),
        Enrolment::AlreadyEnrolled => format!(
            "device {} is enrolled already; nothing changed",
            card.device_id
        ),
        Enrolment::MissionChanged { from } => format!(
            "device {} is enrolled already; its mission changed from {from} to {}",
            card.device_id, card.mission
        ),
    };
    line(&message)?;
    Ok(0)
}

fn devices(common: &Common, json: bool) -> Result<u8, Failure> {
    let mut hq = open(common)?;
    let devices = hq.devices()?;
    if json {
        print_json(&devices)?;
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = devices
        .iter()
        .map(|d| {
            vec![
                d.device.device_id.clone(),
                d.device.mission.clone(),
                d.device.enrolled_at.clone(),
                d.batches.describe(),
            ]
        })
        .collect();
    table(&["DEVICE", "MISSION", "ENROLLED", "BATCHES"], &rows)?;
    Ok(0)
}

/// `import FILE`: one batch file. `import DIR` (a whole stick): every `*.loket-batch` in
/// it, in name order (each counter's batches in sequence); a refused batch is reported and
/// the others still imported, and the exit is 1 if any was refused.
fn import(common: &Common, path: &Path) -> Result<u8, Failure> {
    let mut hq = open(common)?;
    if !path.is_dir() {
        import_one(&mut hq, path)??;
        return Ok(0);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| Failure::new(1, format!("cannot read {}: {e}", path.display())))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == loket_hq::BATCH_EXTENSION)
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Failure::new(
            1,
            format!("no batch files (*.loket-batch) in {}", path.display()),
        ));
    }
    let mut refused = 0;
    for file in &files {
        if let Err(refusal) = import_one(&mut hq, file)? {
            eprintln!("loket-hq: {}", refusal.message);
            refused += 1;
        }
    }
    if refused > 0 {
        return Err(Failure::new(
            1,
            format!("{refused} of {} batch files refused", files.len()),
        ));
    }
    Ok(0)
}

/// Imports one batch file and prints its summary. `Ok(Err(..))`: the batch was refused (the
/// others on a stick can still go in); `Err(..)`: something else failed (the database, the
/// disk), which stops everything.
fn import_one(hq: &mut Hq, file: &Path) -> Result<Result<(), Failure>, Failure> {
    let (imported, receipt) = match hq.import_file(file) {
        Ok(done) => done,
        Err(e) if e.is_refusal() => {
            return Ok(Err(Failure::new(
                1,
                format!(
                    "{}: {e}; nothing was applied and no receipt was written",
                    file.display()
                ),
            )))
        }
        Err(e) => return Err(e.into()),
    };
    let what = match imported.outcome {
        Outcome::Applied if imported.request_events > 0 => format!(
            "applied: {} records new, {} already held; {} request prints and voids ({} requests new)",
            imported.new_records,
            imported.held_records,
            imported.request_events,
            imported.new_requests
        ),
        Outcome::Applied => format!(
            "applied: {} records new, {} already held",
            imported.new_records, imported.held_records
        ),
        Outcome::AlreadyHeld => format!(
            "already held: nothing changed ({} records)",
            imported.records
        ),
    };
    line(&format!(
        "device {}, batch {}: {what}",
        imported.device_id, imported.sequence
    ))?;
    line(&format!("receipt: {}", receipt.display()))?;
    line(&format!(
        "batches from {}: {}",
        imported.device_id,
        imported.batches.describe()
    ))?;
    Ok(Ok(()))
}

/// `person`: always JSON (what an answer to the person is written from); no case is an
/// answer too, `{"cases": []}`.
fn person(
    common: &Common,
    nik: Option<String>,
    passport: Option<String>,
    case: Option<String>,
) -> Result<u8, Failure> {
    let key = match (&nik, &passport, &case) {
        (Some(nik), _, _) => PersonKey::Nik(nik.trim()),
        (_, Some(number), _) => PersonKey::Passport(number.trim()),
        (_, _, Some(id)) => PersonKey::Case(id.trim()),
        (None, None, None) => return Err(Failure::new(2, "name --nik, --passport or --case")),
    };
    let cases = open(common)?.person(key)?;
    print_json(&serde_json::json!({ "cases": cases }))?;
    Ok(0)
}

fn requests(common: &Common, json: bool) -> Result<u8, Failure> {
    let requests = open(common)?.requests()?;
    if json {
        print_json(&requests)?;
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = requests
        .iter()
        .map(|r| {
            vec![
                r.serial.clone(),
                r.case_id.clone(),
                r.version.to_string(),
                r.issued_at.clone(),
                r.prints.to_string(),
                r.void
                    .as_ref()
                    .map(|v| format!("void {}: {}", v.at, v.reason))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &["SERIAL", "CASE", "VERSION", "ISSUED", "PRINTS", "VOID"],
        &rows,
    )?;
    Ok(0)
}

fn cases(common: &Common, json: bool) -> Result<u8, Failure> {
    let mut hq = open(common)?;
    let cases = hq.cases()?;
    let gaps: Vec<String> = hq
        .devices()?
        .into_iter()
        .filter(|d| !d.batches.missing.is_empty())
        .map(|d| {
            format!(
                "gaps: device {}: {}",
                d.device.device_id,
                d.batches.describe()
            )
        })
        .collect();
    if json {
        print_json(&cases)?;
        // The JSON stays clean for tools; the gaps go to standard error.
        for g in &gaps {
            eprintln!("loket-hq: {g}");
        }
        return Ok(0);
    }
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let rows: Vec<Vec<String>> = cases
        .iter()
        .map(|c| {
            vec![
                c.case_id.clone(),
                c.mission.clone(),
                c.device_id.clone(),
                c.version.to_string(),
                c.status.clone(),
                opt(&c.full_name),
                opt(&c.date_of_birth),
                c.updated_at.clone(),
            ]
        })
        .collect();
    table(
        &[
            "ID",
            "MISSION",
            "DEVICE",
            "VERSION",
            "STATUS",
            "FULL NAME",
            "BORN",
            "UPDATED",
        ],
        &rows,
    )?;
    line(&format!("{} cases", cases.len()))?;
    for g in &gaps {
        line(g)?;
    }
    Ok(0)
}

/// `verify-qr PAYLOAD`: the verdict as JSON; 0 when it holds.
fn verify_qr(common: &Common, payload: &str) -> Result<u8, Failure> {
    let verdict = open(common)?.verify_qr(payload)?;
    print_json(&verdict)?;
    Ok(if verdict.valid { 0 } else { 1 })
}

/// `status CASE_ID splp-issued|departed`: records it; the case's mission index shows it.
fn set_status(common: &Common, case_id: &str, status: &str) -> Result<u8, Failure> {
    let status: HqStatus = status.parse().map_err(|e: String| Failure::new(2, e))?;
    let update = open(common)?.set_status(case_id, status)?;
    line(&format!(
        "case {}: {} (recorded {}, change {})",
        update.case_id, update.status, update.recorded_at, update.seq
    ))?;
    Ok(0)
}

/// `status --list FILE [--json]`: a line per case (or JSON), then how many were recorded.
fn status_list(common: &Common, list: &Path, json: bool) -> Result<u8, Failure> {
    let bytes = std::fs::read(list)
        .map_err(|e| Failure::new(1, format!("cannot read {}: {e}", list.display())))?;
    let listed = match open(common)?.record_status_list(&bytes) {
        Err(e @ loket_hq::HqError::NotAStatusList { .. }) => {
            return Err(Failure::new(2, e.to_string()))
        }
        other => other?,
    };
    if json {
        print_json(&listed)?;
        return Ok(0);
    }
    for l in &listed {
        let status = l.status.as_str();
        line(&match (&l.recorded, l.before.as_deref()) {
            (Some(u), _) => format!(
                "line {}: case {}: {status} (change {})",
                l.line, l.case_id, u.seq
            ),
            (None, Some(before)) if before == status => {
                format!("line {}: case {}: {status} already", l.line, l.case_id)
            }
            (None, before) => format!(
                "line {}: case {}: {} already, left as it is",
                l.line,
                l.case_id,
                before.unwrap_or_default()
            ),
        })?;
    }
    let recorded = listed.iter().filter(|l| l.recorded.is_some()).count();
    line(&format!(
        "{} cases: {recorded} recorded, {} as they were",
        listed.len(),
        listed.len() - recorded
    ))?;
    Ok(0)
}

/// `report`: a table of each mission's days and its total, or the days as JSON.
fn report(
    common: &Common,
    since: Option<chrono::NaiveDate>,
    mission: Option<&str>,
    json: bool,
) -> Result<u8, Failure> {
    let days = open(common)?.report(since, mission.map(str::trim))?;
    if json {
        print_json(&days)?;
        return Ok(0);
    }
    let counts = |d: &loket_hq::ReportDay, day: &str| {
        vec![
            d.mission.clone(),
            day.to_owned(),
            d.intakes.to_string(),
            d.splp_requested.to_string(),
            d.referrals.to_string(),
            d.printed.to_string(),
            d.splp_issued.to_string(),
            d.departed.to_string(),
        ]
    };
    // Days come by mission: each mission's total follows its last day.
    let mut rows = Vec::new();
    let mut total = loket_hq::ReportDay::default();
    for (i, d) in days.iter().enumerate() {
        rows.push(counts(d, &d.day));
        total.add(d);
        if days.get(i + 1).is_none_or(|next| next.mission != d.mission) {
            total.mission = d.mission.clone();
            rows.push(counts(&total, "total"));
            total = loket_hq::ReportDay::default();
        }
    }
    table(
        &[
            "MISSION",
            "DAY",
            "INTAKES",
            "SPLP ASKED",
            "REFERRALS",
            "PRINTED",
            "SPLP ISSUED",
            "DEPARTED",
        ],
        &rows,
    )?;
    Ok(0)
}

fn photo(common: &Common, case_id: &str, out: &Path) -> Result<u8, Failure> {
    let Some(jpeg) = open(common)?.case_photo(case_id)? else {
        return Err(Failure::new(1, format!("case {case_id} has no photo")));
    };
    loket_hq::write_atomically(out, &jpeg, 0o600)?;
    line(&format!("{} ({} bytes)", out.display(), jpeg.len()))?;
    Ok(0)
}

/// `access-log`: a table `SEQ AT OPERATOR ACTION ASKED CASES`, or JSON; newest first.
fn access_log(
    common: &Common,
    json: bool,
    case: Option<String>,
    limit: u64,
) -> Result<u8, Failure> {
    let entries = open(common)?.access_log(case.as_deref().map(str::trim), limit)?;
    if json {
        print_json(&entries)?;
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let cases = if e.case_ids.is_empty() && e.cases_read > 0 {
                format!("all {}", e.cases_read)
            } else {
                e.case_ids.join(" ")
            };
            vec![
                e.seq.to_string(),
                e.at.clone(),
                e.operator.clone(),
                e.action.clone(),
                e.query.clone().unwrap_or_default(),
                cases,
            ]
        })
        .collect();
    table(
        &["SEQ", "AT", "OPERATOR", "ACTION", "ASKED", "CASES"],
        &rows,
    )?;
    Ok(0)
}

/// `exposure DEVICE_ID`: a table `ID MISSION HOW STATUS FULL NAME BORN NIK`, then a count;
/// or JSON.
fn exposure(common: &Common, device_id: &str, json: bool) -> Result<u8, Failure> {
    let cases = open(common)?.exposure(device_id.trim())?;
    if json {
        print_json(&cases)?;
        return Ok(0);
    }
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let rows: Vec<Vec<String>> = cases
        .iter()
        .map(|e| {
            let how = match (e.registered, e.indexed) {
                (true, true) => "registered, index",
                (true, false) => "registered",
                _ => "index",
            };
            vec![
                e.case.case_id.clone(),
                e.case.mission.clone(),
                how.to_owned(),
                e.case.status.clone(),
                opt(&e.case.full_name),
                opt(&e.case.date_of_birth),
                opt(&e.case.nik),
            ]
        })
        .collect();
    table(
        &["ID", "MISSION", "HOW", "STATUS", "FULL NAME", "BORN", "NIK"],
        &rows,
    )?;
    let registered = cases.iter().filter(|e| e.registered).count();
    line(&format!(
        "{} cases whose data device {device_id} has held ({registered} registered there, {} sent to it in the mission index)",
        cases.len(),
        cases.iter().filter(|e| e.indexed).count()
    ))?;
    Ok(0)
}

/// `serve --listen ADDR`: runs until SIGTERM or Ctrl-C.
fn serve(common: &Common, options: &loket_hq::serve::Options) -> Result<u8, Failure> {
    let hq = open(common)?;
    loket_hq::serve::run(hq, options, |address| {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{address}")?;
        out.flush()
    })?;
    eprintln!("loket-hq: stopped");
    Ok(0)
}
