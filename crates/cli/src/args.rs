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
    /// The officer at the counter, recorded in the audit log.
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
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit chain; exit 0 intact, 1 naming the first broken entry.
    Verify,
}
