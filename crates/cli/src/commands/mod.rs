//! One function per command; each returns its exit code or a failure.

use crate::args::{
    AuditCommand, BatchCommand, CaseCommand, Cli, Command, ExitListCommand, OfficerCommand,
    RequestCommand,
};
use crate::input::{read_record, NOT_A_RECORD};
use loket_core::mrz::{parse_td3, MrzTd3};
use loket_core::Lang;
use loket_term::Failure;
use serde::Serialize;

pub fn run(cli: Cli) -> Result<u8, Failure> {
    let common = &cli.common;
    match cli.command {
        Command::Validate { file } => validate(&file, common.lang),
        Command::Mrz { line1, line2 } => mrz(&line1, &line2),
        Command::Init { mission } => store::init(common, &mission),
        Command::Device => store::device(common),
        Command::Case(CaseCommand::Add { file, reason }) => {
            store::add(common, &file, reason.as_deref())
        }
        Command::Case(CaseCommand::List { json }) => store::list(common, json),
        Command::Case(CaseCommand::Search { query, json, limit }) => {
            store::search(common, &query, json, limit)
        }
        Command::Case(CaseCommand::Show { id, version }) => store::show(common, &id, version),
        Command::Case(CaseCommand::History { id }) => store::history(common, &id),
        Command::Case(CaseCommand::Finalize { id }) => store::finalize(common, &id),
        Command::Case(CaseCommand::Close { id, reason }) => store::close(common, &id, &reason),
        Command::Case(CaseCommand::CloseDeparted { list }) => store::close_departed(common, list),
        Command::Case(CaseCommand::Photo { id, file }) => request::photo(common, &id, &file),
        Command::Audit(AuditCommand::Verify) => store::audit_verify(common),
        Command::Audit(AuditCommand::Log { json, limit, case }) => {
            store::audit_log(common, json, limit, case.as_deref())
        }
        Command::Officer(OfficerCommand::List { json }) => store::officers(common, json),
        Command::Officer(OfficerCommand::Add { name }) => store::add_officer(common, &name),
        Command::Officer(OfficerCommand::Remove { name }) => store::remove_officer(common, &name),
        Command::Passphrase => store::change_passphrase(common),
        Command::Mission {
            code,
            name,
            address,
            city,
        } => request::mission(common, code, name, address, city),
        Command::Pdf {
            id,
            out,
            reprint,
            photo,
        } => request::pdf(common, &id, &out, reprint.as_deref(), photo.as_deref()),
        Command::HqKey { file, replace } => store::hq_key(common, &file, replace),
        Command::Export { to } => batch::export(common, &to),
        Command::Receipt { file } => batch::receipt(common, &file),
        Command::Batch(BatchCommand::List { json }) => batch::list(common, json),
        Command::Sync { hq } => sync::sync(common, hq.as_deref()),
        Command::HqUrl { url, clear } => sync::hq_url(common, url.as_deref(), clear),
        Command::VerifyQr { payload } => request::verify_qr(common, &payload),
        Command::ExitList(ExitListCommand::List { json }) => exit_list::list(common, json),
        Command::ExitList(ExitListCommand::Make { out }) => exit_list::make(common, &out),
        Command::ExitList(ExitListCommand::Print { label, out }) => {
            exit_list::print(common, &label, &out)
        }
        Command::Request(RequestCommand::List { json }) => request::list(common, json),
        Command::Request(RequestCommand::Void {
            serial,
            reason,
            out,
        }) => request::void(common, &serial, &reason, out.as_deref()),
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

use loket_term::json as print_json;

fn validate(file: &str, lang: Lang) -> Result<u8, Failure> {
    let record = read_record(file)?;
    let report = loket_core::validate(&record, today());
    print_json(&report.localized(lang))?;
    Ok(if report.ok() { 0 } else { 1 })
}

/// The parsed zone as the CLI contract prints it.
#[derive(Serialize)]
struct MrzOutput {
    #[serde(flatten)]
    mrz: MrzTd3,
    valid: bool,
}

fn mrz(line1: &str, line2: &str) -> Result<u8, Failure> {
    let mrz = parse_td3(line1, line2, today())
        .map_err(|e| Failure::new(NOT_A_RECORD, e.message.en.clone()))?;
    let valid = mrz.valid();
    print_json(&MrzOutput { mrz, valid })?;
    Ok(if valid { 0 } else { 1 })
}

mod batch;
mod exit_list;
mod request;
mod store;
mod sync;
