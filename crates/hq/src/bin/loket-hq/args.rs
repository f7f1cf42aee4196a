//! The command line's shape, as in shared/spec/cli.md.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "loket-hq",
    version,
    about = "Loket headquarters: enrol counters, import their sealed batches, list cases"
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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create headquarters' keys and database; prints the public key file for `loket hq-key`.
    Init,
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
    /// Check the QR code printed on an SPLP request against what headquarters holds:
    /// exit 0 when the counter's signature and the record hash hold, 1 when not.
    VerifyQr { payload: String },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Enrol a counter from its public identity (`loket device` prints it).
    Add {
        /// The loket.device/1 file.
        file: PathBuf,
    },
}
