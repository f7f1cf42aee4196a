//! The command line's shape, as in shared/spec/cli.md.

use clap::{Args, Parser, Subcommand};
use loket_core::Lang;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "loket",
    version,
    about = "Loket: the consular counter's intake tool"
)]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Common {
    /// Where the store lives (default: the platform's data directory, e.g. ~/.local/share/loket).
    #[arg(long, global = true, env = "LOKET_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Language of messages: id (Bahasa Indonesia) or en.
    #[arg(long, global = true, env = "LOKET_LANG", default_value = "id")]
    pub lang: Lang,
    /// The officer whose login opens the store (default: the system user's name); named in the
    /// audit log.
    #[arg(long, global = true, env = "LOKET_OFFICER", value_name = "NAME")]
    pub officer: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check one intake record; exit 0 no error, 1 errors, 2 not an intake record.
    Validate {
        /// The record's file, or - for standard input.
        file: String,
    },
    /// Parse a passport's machine-readable zone (TD3); exit 0 valid, 1 a check fails, 2 not TD3.
    Mrz { line1: String, line2: String },
    /// Create the encrypted store and this counter's device key.
    Init {
        /// The mission's code, such as PNH (2–8 upper-case letters or digits).
        #[arg(long)]
        mission: String,
    },
    /// Print this counter's public identity.
    Device,
    /// Cases at this counter.
    #[command(subcommand)]
    Case(CaseCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The officers who can unlock this counter, each with their own passphrase.
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// Change your own passphrase (the new one from LOKET_NEW_PASSPHRASE, else asked twice).
    Passphrase,
    /// Show the mission printed on requests, or set its code, name, address or city.
    Mission {
        /// The mission's code, such as PNH: begins every new serial number.
        #[arg(long)]
        code: Option<String>,
        /// "Kedutaan Besar Republik Indonesia di Phnom Penh".
        #[arg(long)]
        name: Option<String>,
        /// The street address (use \n or several lines in quotes for more than one line).
        #[arg(long)]
        address: Option<String>,
        /// The place printed beside the signatures, such as "Phnom Penh".
        #[arg(long)]
        city: Option<String>,
    },
    /// Write the SPLP request of a finalised case as a PDF (a new serial number the first
    /// time; again only as a reprint, with a reason); exit 1 when the case cannot have one.
    Pdf {
        id: String,
        /// Where to write the PDF (- for standard output, e.g. to pipe it to `lp`). The file
        /// holds personal data unencrypted: keep it on an encrypted disk, delete it after use.
        #[arg(long, value_name = "FILE")]
        out: String,
        /// Printing this case's request again: why (a jammed printer, a copy for the file).
        #[arg(long, value_name = "REASON")]
        reprint: Option<String>,
        /// Attach this photo (JPEG or PNG; cropped to 3:4) to the case first.
        #[arg(long, value_name = "FILE")]
        photo: Option<PathBuf>,
    },
    /// Exit-permit lists: the annex of the mission's note asking Cambodia's immigration for
    /// exit permits and overstay-fine waivers, naming every finalised case no list named yet.
    #[command(subcommand)]
    ExitList(ExitListCommand),
    /// Check the QR code printed on a request: exit 0 when its signature and record hash
    /// hold, 1 when not.
    VerifyQr { payload: String },
    /// Trust headquarters' public key (the file `loket-hq init` names).
    HqKey {
        file: PathBuf,
        /// Replace a different key pinned before (the ministry changed its key).
        #[arg(long)]
        replace: bool,
    },
    /// SPLP requests printed at this counter.
    #[command(subcommand)]
    Request(RequestCommand),
    /// Seal every finalised case not yet sent into a batch, and write every batch
    /// headquarters has not acknowledged to DIR (the USB stick); prints the files' paths.
    Export {
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
    /// Apply a receipt from headquarters (written beside the batches on the stick): marks
    /// the cases it holds as acknowledged.
    Receipt { file: PathBuf },
    /// Sealed batches.
    #[command(subcommand)]
    Batch(BatchCommand),
    /// One sync round with headquarters over the network: seal what is waiting, send every
    /// batch it has not acknowledged, apply its receipt, fetch the mission's case index.
    /// Exit 0 when everything sent is acknowledged, 1 when headquarters cannot be reached or
    /// refuses (nothing is lost: the batches stay sealed and go next time).
    Sync {
        /// Headquarters' address (http:// or https://); saved as the address for next time.
        /// Default: the address set with `loket hq-url`.
        #[arg(long, value_name = "URL")]
        hq: Option<String>,
    },
    /// Show headquarters' address, set it, or clear it (the counter then syncs by USB only).
    HqUrl {
        #[arg(value_name = "URL", conflicts_with = "clear")]
        url: Option<String>,
        #[arg(long)]
        clear: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// Every sealed batch, its size and whether headquarters acknowledged it.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExitListCommand {
    /// The lists made here, newest first, and how many people wait for the next one.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Make the next list (every finalised case no list named yet, in the order they came)
    /// and write it as a PDF; exit 1 when nobody waits.
    Make {
        /// Where to write the PDF (- for standard output, e.g. to pipe it to `lp`). The file
        /// holds personal data unencrypted: keep it on an encrypted disk, delete it after use.
        #[arg(long, value_name = "FILE")]
        out: String,
    },
    /// Write a list made before again, as it was made (it says REPRINT).
    Print {
        /// Its number, e.g. PNH-2026-7KQ2-L0001.
        label: String,
        /// Where to write the PDF (- for standard output).
        #[arg(long, value_name = "FILE")]
        out: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    /// Every request with its serial, case, version, prints and whether it is void.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Void a request: it keeps its number, marked VOID, with the reason.
    Void {
        serial: String,
        #[arg(long)]
        reason: String,
        /// Also write the voided request's page (it says VOID), for the paper file.
        #[arg(long, value_name = "FILE")]
        out: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Store a record as a case (a draft when it has errors), or as a new version of the case
    /// with the same id; exit 0 stored clean, 1 stored as a draft with errors, 2 nothing stored.
    Add {
        /// The record's file, or - for standard input.
        file: String,
        /// Why a finalised case is changed (required then).
        #[arg(long)]
        reason: Option<String>,
    },
    /// List cases, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Find cases by name (any order, any accents), NIK, passport number or ticket.
    Search {
        query: String,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Print a case's current intake record.
    Show {
        id: String,
        /// Print this version instead of the current one.
        #[arg(long)]
        version: Option<u32>,
    },
    /// Every version of a case, with who saved it, when and why.
    History { id: String },
    /// Close the interview; exit 1 with the errors that block it.
    Finalize { id: String },
    /// Close a finalised case: nothing more happens for it at this counter. A new version,
    /// sent to headquarters with the next batch.
    Close {
        id: String,
        /// Why (the person departed, the case went elsewhere, …).
        #[arg(long)]
        reason: String,
    },
    /// Close every finalised case whose person headquarters reports departed (after a sync),
    /// each with the reason "sudah berangkat menurut pusat / departed per headquarters (WHEN)";
    /// `--list` only lists them.
    CloseDeparted {
        #[arg(long)]
        list: bool,
    },
    /// Attach the person's photo (JPEG or PNG; cropped to 3:4 for the request).
    Photo { id: String, file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum OfficerCommand {
    /// List the officers with a login at this counter.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Give an officer a login (their passphrase from LOKET_NEW_PASSPHRASE, else asked twice).
    Add { name: String },
    /// Remove an officer's login (never your own); their entries in the audit log stay.
    Remove { name: String },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit chain; exit 0 intact, 1 naming the first broken entry.
    Verify,
    /// What was done at the counter itself (logins, headquarters' key, the mission, batches
    /// sealed, copied to a stick and acknowledged), newest first; or, with --case, every
    /// entry about one case, oldest first.
    Log {
        #[arg(long)]
        json: bool,
        /// At most this many of the counter's entries.
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// The entries about this case instead.
        #[arg(long, value_name = "ID")]
        case: Option<String>,
    },
}
