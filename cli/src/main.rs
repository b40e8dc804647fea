//! `beid`: read, verify, sign, manage the PIN, dump, parse and diagnose Belgian eID cards.
//!
//! Every command works against a PC/SC reader (`--reader NAME`, default: the first reader with a
//! Belgian card) or against the embedded simulator (`--sim[=PROFILE]`). `read`, `verify`, `dump`
//! and `diagnose` fall back to the simulator when no Belgian card is reachable through PC/SC and
//! say so on stderr; `sign` and `pin` never fall back (a PIN is never sent to a card the user did
//! not choose).
//!
//! The national number is personal data restricted by Belgian law: it is masked in every output
//! (text, JSON, dumps) unless `--show-national-number` is given.
//!
//! Exit status: see [`Exit`].
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout, clippy::print_stderr)]

/// `println!` for command output: a closed pipe (`beid read --json | head`) ends the program
/// quietly instead of panicking.
macro_rules! out {
    () => {
        $crate::write_out(format_args!(""))
    };
    ($($t:tt)*) => {
        $crate::write_out(format_args!($($t)*))
    };
}

/// Write one line of output to stdout; exit quietly when the reader of the pipe has gone.
pub(crate) fn write_out(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"))
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("beid: cannot write output: {e}");
        std::process::exit(1);
    }
}

mod commands;
mod dump;
mod json;
mod sim;
mod source;
mod time;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Exit status of the `beid` command (stable: scripts rely on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 0: done; for `verify`, every check the policy requires passed.
    Ok = 0,
    /// 1: `verify`: a required check failed or was not performed.
    VerificationFailed = 1,
    /// 2: wrong usage (clap's own status for argument errors).
    Usage = 2,
    /// 3: an input file is missing, unreadable or malformed.
    Input = 3,
    /// 4: no PC/SC service, no such reader, no Belgian card.
    NoCard = 4,
    /// 5: the PIN was wrong, is blocked or was refused.
    Pin = 5,
    /// 6: the card or the transport failed otherwise.
    Card = 6,
}

/// An error with the exit status it maps to and a message for stderr.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) exit: Exit,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
        }
    }

    /// An input-file problem (exit 3), naming the file.
    pub(crate) fn input(path: &std::path::Path, what: impl std::fmt::Display) -> Self {
        Failure::new(Exit::Input, format!("{}: {what}", path.display()))
    }
}

impl From<beid::Error> for Failure {
    fn from(e: beid::Error) -> Self {
        use beid::Error as E;
        let exit = match &e {
            E::Pin(_) => Exit::Pin,
            E::Transport(t) if source::is_no_card(t) => Exit::NoCard,
            E::Parse(_) => Exit::Card,
            E::Argument(_) => Exit::Usage,
            _ => Exit::Card,
        };
        Failure::new(exit, e.to_string())
    }
}

/// A card file that does not parse (the card's fault, not the user's).
impl From<beid::ParseError> for Failure {
    fn from(e: beid::ParseError) -> Self {
        Failure::new(Exit::Card, e.to_string())
    }
}

impl From<beid_simulator::SimulatorError> for Failure {
    fn from(e: beid_simulator::SimulatorError) -> Self {
        Failure::new(Exit::Usage, format!("simulator: {e}"))
    }
}

pub(crate) type Result<T> = std::result::Result<T, Failure>;

/// Read, verify and sign with Belgian eID cards, through PC/SC or the embedded simulator.
#[derive(Debug, Parser)]
#[command(name = "beid", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// The PC/SC reader to use (default: the first reader holding a Belgian card).
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) reader: Option<String>,
    /// Use the embedded simulator instead of a reader: `--sim` (applet-1.8) or `--sim=PROFILE`
    /// (applet-1.7, applet-1.8, foreigner-1.7, foreigner-1.8, kids-1.7, kids-1.8).
    #[arg(long, global = true, value_name = "PROFILE", num_args = 0..=1,
          require_equals = true, default_missing_value = "applet-1.8")]
    pub(crate) sim: Option<String>,
    /// Use the embedded simulator serving a `beid dump` directory (the dumped files, test keys).
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "sim")]
    pub(crate) sim_from: Option<PathBuf>,
    /// Simulator (`--sim` or `--sim-from`): the cardholder PIN (default: 1234).
    #[arg(long, global = true, value_name = "PIN")]
    pub(crate) sim_pin: Option<String>,
    /// Simulator (`--sim` or `--sim-from`): PIN tries left at start (0 = blocked).
    #[arg(long, global = true, value_name = "N")]
    pub(crate) sim_tries: Option<u8>,
    /// Simulator: a content fault (repeatable).
    #[arg(long, global = true, value_name = "FAULT", requires = "sim")]
    pub(crate) sim_fault: Vec<SimFault>,
    /// Simulator: attach a virtual PIN-pad reader; each value is what the holder does at the
    /// next prompt: digits, `cancel` or `timeout` (repeatable; spec §13.5).
    #[arg(long, global = true, value_name = "ENTRY", requires = "sim")]
    pub(crate) sim_keypad: Vec<String>,
    /// Show the national number (personal data restricted by Belgian law; masked otherwise).
    #[arg(long, global = true)]
    pub(crate) show_national_number: bool,
    /// Machine-readable output (JSON; field names are stable and documented in the README).
    #[arg(long, global = true)]
    pub(crate) json: bool,
}

/// Content faults of the simulator (spec §7): each breaks one integrity check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SimFault {
    /// The identity file changed after the RRN signed it.
    TamperedIdentity,
    /// The address file changed after the RRN signed it.
    TamperedAddress,
    /// A photo other than the one hashed in the identity file.
    SwappedPhoto,
    /// A chip whose basic key is not the one the identity file names (applet 1.8).
    ClonedChip,
    /// A card never activated (life cycle `07`, spec §9.2): files answer `62 83` (1.7) /
    /// `69 85` (1.8) on SELECT, PIN and signing commands `6D 00`.
    NotIssued,
    /// Holder certificates that have expired (and a matching card validity).
    ExpiredCertificates,
}

impl SimFault {
    /// The simulator builder with this fault.
    pub(crate) fn apply(
        self,
        builder: beid_simulator::VirtualCardBuilder,
    ) -> beid_simulator::VirtualCardBuilder {
        match self {
            SimFault::TamperedIdentity => builder.tampered_identity(),
            SimFault::TamperedAddress => builder.tampered_address(),
            SimFault::SwappedPhoto => builder.swapped_photo(),
            SimFault::ClonedChip => builder.cloned_chip(),
            SimFault::NotIssued => builder.not_issued(),
            SimFault::ExpiredCertificates => builder.expired_certificates(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List PC/SC readers and whether a Belgian card is in each.
    Readers,
    /// Read the card: identity, address, card data, certificates.
    Read {
        /// Write the photo (JPEG) to this file.
        #[arg(long, value_name = "FILE")]
        photo: Option<PathBuf>,
    },
    /// Verify the card: signatures, photo, certificate chains, consistency, chip challenge.
    Verify(VerifyArgs),
    /// Sign a file with the card.
    Sign(SignArgs),
    /// PIN status, verification and change.
    Pin {
        #[command(subcommand)]
        action: PinAction,
    },
    /// Write every file of the card (raw), the ATR and the card data to a directory.
    Dump {
        /// The directory (created if needed).
        dir: PathBuf,
    },
    /// Parse a raw card file offline and print it as JSON.
    Parse {
        /// The file.
        file: PathBuf,
        /// What the file is.
        #[arg(long = "as", value_name = "KIND")]
        kind: ParseKind,
    },
    /// What a support desk asks first: service, readers, card, PIN tries, certificate dates.
    Diagnose,
    /// Serve a virtual card to PC/SC applications through vsmartcard's vpcd (until SIGINT or
    /// SIGTERM).
    Sim(SimArgs),
    /// Follow readers and cards: insertion and removal events, and a read of every Belgian
    /// card inserted (until SIGINT / SIGTERM).
    Watch(WatchArgs),
}

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// Exit after printing this many events.
    #[arg(long, value_name = "N")]
    pub(crate) events: Option<u64>,
    /// Exit after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) timeout: Option<f64>,
}

#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    /// vpcd address (vpcd listens; the card connects).
    #[arg(long, value_name = "HOST:PORT", default_value = beid_simulator::vpcd::DEFAULT_VPCD_ADDR)]
    pub(crate) vpcd: String,
    /// Card profile: applet-1.7, applet-1.8, foreigner-1.7, foreigner-1.8, kids-1.7, kids-1.8.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "applet-1.8",
        conflicts_with = "from"
    )]
    pub(crate) profile: String,
    /// Serve a `beid dump` directory exactly as dumped (signing then uses test keys).
    #[arg(long, value_name = "DIR")]
    pub(crate) from: Option<PathBuf>,
    /// The cardholder PIN, 4 to 12 digits (default: 1234).
    #[arg(long, value_name = "PIN")]
    pub(crate) pin: Option<String>,
    /// A content fault (repeatable; not with --from).
    #[arg(long, value_name = "FAULT", conflicts_with = "from")]
    pub(crate) fault: Vec<SimFault>,
    /// Write the test root CA certificate (PEM) of the card's PKI to FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "from")]
    pub(crate) export_root: Option<PathBuf>,
    /// Log every APDU (PIN data masked) to FILE, or to stdout with `-`.
    #[arg(long, value_name = "FILE|-")]
    pub(crate) apdu_log: Option<String>,
    /// Exit when the first vpcd connection ends instead of reconnecting.
    #[arg(long)]
    pub(crate) once: bool,
    /// Answer as slowly as a real card behind a CCID reader (about 4 ms per APDU plus 0.1 ms
    /// per byte: a full read takes seconds), e.g. to pull the card in the middle of a read.
    #[arg(long)]
    pub(crate) real_card_latency: bool,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The instant of the validity checks: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or Unix seconds
    /// (default: now).
    #[arg(long, value_name = "DATE")]
    pub(crate) at: Option<String>,
    /// Also trust this root certificate (DER or PEM; repeatable).
    #[arg(long, value_name = "CERT")]
    pub(crate) trust_root: Vec<PathBuf>,
    /// Which checks must pass for exit status 0.
    #[arg(long, value_enum, default_value_t = PolicyArg::Strict)]
    pub(crate) policy: PolicyArg,
}

/// The verification policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PolicyArg {
    /// Every check (revocation excluded: it needs a responder).
    Strict,
    /// Strict without the chip challenge.
    Offline,
    /// Identity and address signatures and the photo hash only.
    SignaturesOnly,
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// Which key signs.
    #[arg(long, value_enum)]
    pub(crate) key: KeyArg,
    /// The file to sign.
    #[arg(long = "in", value_name = "FILE")]
    pub(crate) input: PathBuf,
    /// Where the signature goes.
    #[arg(long, value_name = "SIG")]
    pub(crate) out: PathBuf,
    /// The hash (default: SHA-256 on RSA cards, SHA-384 on applet 1.8).
    #[arg(long, value_enum)]
    pub(crate) hash: Option<HashArg>,
    /// `der`: the standard encoding (PKCS#1 for RSA, DER ECDSA), as `openssl dgst -verify`
    /// expects; `raw`: the card's bytes (r‖s for ECDSA); `cms`: detached CMS SignedData.
    #[arg(long, value_enum, default_value_t = SignFormat::Der)]
    pub(crate) format: SignFormat,
    /// Write the signing certificate (DER) here.
    #[arg(long, value_name = "CERT.der")]
    pub(crate) cert: Option<PathBuf>,
    /// Read the PIN from the first line of standard input (scripts) instead of a prompt.
    #[arg(long)]
    pub(crate) pin_stdin: bool,
    /// Type the PIN on the keyboard even when the reader has a PIN pad.
    #[arg(long)]
    pub(crate) no_pin_pad: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KeyArg {
    /// Authentication key (Cert#2).
    Auth,
    /// Non-repudiation key (Cert#3): a qualified signature.
    Nonrep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum HashArg {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SignFormat {
    Der,
    Raw,
    Cms,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PinAction {
    /// Tries left, without spending one.
    Status,
    /// Verify the PIN (spends a try when wrong).
    Verify {
        /// Read the PIN from the first line of standard input.
        #[arg(long)]
        pin_stdin: bool,
        /// Type the PIN on the keyboard even when the reader has a PIN pad.
        #[arg(long)]
        no_pin_pad: bool,
    },
    /// Change the PIN.
    Change {
        /// Read the current and the new PIN from the first two lines of standard input.
        #[arg(long)]
        pin_stdin: bool,
        /// Type the PINs on the keyboard even when the reader has a PIN pad.
        #[arg(long)]
        no_pin_pad: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ParseKind {
    Identity,
    Address,
    CardData,
    Cert,
    Tokeninfo,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(&cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(f) => {
            eprintln!("beid: {}", f.message);
            ExitCode::from(f.exit as u8)
        }
    }
}
