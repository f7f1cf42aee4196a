//! The command line's shape, as in shared/spec/cli.md.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "loket-hq",
    version,
    about = "Loket headquarters: enrol counters, import their sealed batches (USB or network), list cases"
)]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Common {
    /// Where headquarters' keys live (default: the platform's data directory, e.g.
    /// ~/.local/share/loket-hq).
    #[arg(long, global = true, env = "LOKET_HQ_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The database: sqlite:PATH (default: sqlite:DIR/hq.db) or postgres://…
    #[arg(
        long,
        global = true,
        env = "LOKET_HQ_DATABASE",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database: Option<String>,
    /// Whose login unlocks headquarters (with that operator's own passphrase): the access log
    /// names them for every command that shows people's data or records a status (default:
    /// the system user).
    #[arg(long, global = true, env = "LOKET_HQ_OPERATOR", value_name = "NAME")]
    pub operator: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create headquarters' keys and database, with you (--operator) as its first login;
    /// prints the public key file for `loket hq-key`.
    Init,
    /// Logins at headquarters: each operator unlocks with their own passphrase.
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Counters (devices) whose batches headquarters accepts.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// List the enrolled devices, their batch numbers held and any gaps.
    Devices {
        #[arg(long)]
        json: bool,
    },
    /// Import a batch file (from a USB stick); writes the device's receipt beside it.
    Import {
        /// The batch file.
        file: PathBuf,
    },
    /// List the cases headquarters holds (each at its highest version).
    Cases {
        #[arg(long)]
        json: bool,
    },
    /// List the SPLP requests the counters printed (from their batches): serial, case
    /// version, prints, and whether and why the counter voided it.
    Requests {
        #[arg(long)]
        json: bool,
    },
    /// Everything headquarters holds about one person, as JSON, to answer their request to
    /// see their data: each case the NIK, passport number or case id names (as its latest
    /// version states it), every version's record, its requests and status updates.
    #[command(group(clap::ArgGroup::new("key").required(true).args(["nik", "passport", "case"])))]
    Person {
        #[arg(long, value_name = "NIK")]
        nik: Option<String>,
        #[arg(long, value_name = "NUMBER")]
        passport: Option<String>,
        #[arg(long = "case", value_name = "CASE_ID")]
        case: Option<String>,
    },
    /// Write the photo of a case (its highest version held) to a file, owner-readable only:
    /// exit 1 when that version has no photo.
    Photo {
        /// The case id.
        case_id: String,
        /// The JPEG file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check the QR code printed on an SPLP request against what headquarters holds:
    /// exit 0 when the counter's signature and the record hash hold and the counter has not
    /// voided the request, 1 when not.
    VerifyQr { payload: String },
    /// Who at headquarters read people's data (cases, person, photo, verify-qr, exposure,
    /// this log) or recorded a status, when, and what they asked, and which counter each
    /// page of a mission index went to; newest first.
    AccessLog {
        #[arg(long)]
        json: bool,
        /// Only the entries that showed this case (a person's own case).
        #[arg(long = "case", value_name = "CASE_ID")]
        case: Option<String>,
        /// At most this many entries.
        #[arg(long, value_name = "N", default_value_t = 50,
              value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        limit: u64,
    },
    /// Everyone whose data a counter has held: the cases it registered and those sent to it
    /// in the mission index. For telling people when a laptop is lost or stolen.
    Exposure {
        /// The counter's device id.
        device_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Record headquarters' status of a case (SPLP issued, person departed), or of every case
    /// a list names; the counters of their missions see it in their next sync.
    Status {
        /// The case id.
        #[arg(required_unless_present = "list")]
        case_id: Option<String>,
        /// splp-issued or departed.
        #[arg(value_parser = ["splp-issued", "departed"], required_unless_present = "list")]
        status: Option<String>,
        /// A CSV file (comma, semicolon or tab separated) whose first line names the columns:
        /// `status` and one of `case_id`, `nik`, `passport`; other columns are left alone.
        /// Recorded whole or not at all; cases with that status or a later one already are
        /// left as they are.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["case_id", "status"])]
        list: Option<PathBuf>,
        /// With --list: what became of each case, as JSON.
        #[arg(long, requires = "list")]
        json: bool,
    },
    /// The ministry's figures, per mission and day: people who came (cases first saved that
    /// day, the counter's date), of them those asking for an SPLP and those the screening
    /// flagged for referral, SPLP requests printed, and cases headquarters recorded as SPLP
    /// issued or departed (UTC date); then each mission's total. Counts only
    Report {
        /// Only days from this one on (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: Option<chrono::NaiveDate>,
        /// Only this mission (its code, e.g. PNH).
        #[arg(long, value_name = "CODE")]
        mission: Option<String>,
        /// The days as JSON, without totals.
        #[arg(long)]
        json: bool,
    },
    /// The network endpoint counters sync with (loket.sync/1, docs/sync-protocol.md).
    /// Prints `listening on http://IP:PORT` once it takes requests; runs until SIGTERM or
    /// Ctrl-C, then finishes the requests in flight and stops. One line per request on
    /// standard error. Plain HTTP: put it behind a TLS-terminating proxy on open networks.
    Serve {
        /// IP:PORT to listen on, e.g. 0.0.0.0:8443 (port 0: any free port).
        #[arg(long, value_name = "ADDR")]
        listen: String,
        /// Database connections (default: 2 for SQLite, 4 for PostgreSQL).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
        connections: Option<u16>,
        /// Mission index entries per answer.
        #[arg(long, value_name = "N", default_value_t = loket_hq::serve::DEFAULT_PAGE_SIZE,
              value_parser = clap::value_parser!(u64).range(1..=loket_hq::serve::MAX_PAGE_SIZE))]
        page_size: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Enrol a counter from its public identity (`loket device` prints it).
    Add {
        /// The loket.device/1 file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// The operators with a login here; you are marked.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Give an operator a login (their passphrase from LOKET_HQ_NEW_PASSPHRASE, else asked
    /// twice).
    Add {
        /// The operator's name (1–60 characters; compared without regard to case).
        name: String,
    },
    /// Remove an operator's login (never your own); their access log entries stay.
    Remove { name: String },
    /// Change your own passphrase (the new one from LOKET_HQ_NEW_PASSPHRASE, else asked
    /// twice).
    Passphrase,
}
