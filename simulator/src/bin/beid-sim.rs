//! `beid-sim`: serve a virtual Belgian eID card to a vsmartcard **vpcd** reader, so that real
//! middleware (OpenSC, eid-mw, commons-eid, …) can use it through pcscd.
//!
//! ```text
//! beid-sim [--vpcd HOST:PORT] [--profile NAME] [--pin PIN] [--export-root FILE]
//!          [--apdu-log FILE|-] [--once]
//! ```
//!
//! The card connects to vpcd (default `127.0.0.1:35963`), reconnects every 500 ms when vpcd is
//! not there or the connection drops, and exits with status 0 on SIGINT or SIGTERM (or, with
//! `--once`, when the first connection ends). PIN digits never appear in the APDU log or in
//! messages.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use beid_simulator::keys::KeyFamily;
use beid_simulator::pki::TestPki;
use beid_simulator::vpcd::{DEFAULT_VPCD_ADDR, VpcdBridge};
use beid_simulator::{Profile, SimulatorError, VirtualCard};

const USAGE: &str = "\
beid-sim: serve a virtual Belgian eID card to a vsmartcard vpcd reader

USAGE:
    beid-sim [OPTIONS]

OPTIONS:
    --vpcd HOST:PORT      vpcd address to connect to (default 127.0.0.1:35963)
    --profile NAME        card profile (default applet-1.8); one of:
                          applet-1.7, applet-1.8, kids-1.7, kids-1.8,
                          foreigner-1.7, foreigner-1.8
    --pin PIN             cardholder PIN, 4 to 12 digits (default: the profile's PIN)
    --export-root FILE    write the test root CA certificate (PEM) of the card's PKI to FILE
    --apdu-log FILE|-     log every APDU (PIN data masked) to FILE, or to stdout with -
    --once                exit when the first vpcd connection ends instead of reconnecting
    -h, --help            print this help
    -V, --version         print the version
";

/// Parsed command line.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    vpcd: String,
    profile: Profile,
    pin: Option<String>,
    export_root: Option<PathBuf>,
    apdu_log: Option<String>,
    once: bool,
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Request {
    Run(Options),
    Help,
    Version,
}

/// A usage error (exit status 2).
#[derive(Debug, PartialEq, Eq)]
struct UsageError(String);

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Request, UsageError> {
    let mut opts = Options {
        vpcd: DEFAULT_VPCD_ADDR.to_owned(),
        profile: Profile::Applet18Citizen,
        pin: None,
        export_root: None,
        apdu_log: None,
        once: false,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| UsageError(format!("{name} needs {what}")))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(Request::Help),
            "-V" | "--version" => return Ok(Request::Version),
            "--vpcd" => opts.vpcd = value("HOST:PORT")?,
            "--profile" => {
                let v = value("a profile name")?;
                opts.profile = Profile::from_name(&v)
                    .map_err(|_| UsageError(format!("unknown profile {v:?}")))?;
            }
            "--pin" => {
                let v = value("a PIN")?;
                // Validate now; the error never shows the digits.
                beid::Pin::new(&v).map_err(|e| UsageError(format!("invalid --pin: {e}")))?;
                opts.pin = Some(v);
            }
            "--export-root" => opts.export_root = Some(PathBuf::from(value("a file name")?)),
            "--apdu-log" => opts.apdu_log = Some(value("a file name or -")?),
            "--once" => opts.once = true,
            other => return Err(UsageError(format!("unknown argument {other:?}"))),
        }
    }
    Ok(Request::Run(opts))
}

fn build_card(opts: &Options) -> Result<VirtualCard, SimulatorError> {
    let image = match &opts.pin {
        Some(pin) => opts.profile.builder().pin(pin.as_str()).build_image()?,
        None => opts.profile.image()?,
    };
    Ok(VirtualCard::from_image(image))
}

fn export_root(opts: &Options, path: &PathBuf) -> Result<(), SimulatorError> {
    let family = KeyFamily::for_generation(opts.profile.generation()).unwrap_or(KeyFamily::Ec);
    let pem = TestPki::standard(family)?.root_certificate_pem()?;
    std::fs::write(path, pem)?;
    Ok(())
}

fn run(opts: Options) -> Result<(), SimulatorError> {
    let card = build_card(&opts)?;
    if let Some(path) = &opts.export_root {
        export_root(&opts, path)?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    let mut bridge = VpcdBridge::new(card, opts.vpcd.clone())
        .once(opts.once)
        .with_stop_flag(stop);
    match opts.apdu_log.as_deref() {
        None => {}
        Some("-") => bridge = bridge.apdu_log(Box::new(io::stdout())),
        Some(path) => bridge = bridge.apdu_log(Box::new(File::create(path)?)),
    }
    let _ = writeln!(
        io::stderr(),
        "beid-sim: serving profile {} to vpcd at {}{}",
        opts.profile.name(),
        opts.vpcd,
        if opts.once { " (once)" } else { "" }
    );
    bridge.run()
}

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)) {
        Ok(Request::Help) => {
            let _ = io::stdout().write_all(USAGE.as_bytes());
            ExitCode::SUCCESS
        }
        Ok(Request::Version) => {
            let _ = writeln!(io::stdout(), "beid-sim {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Ok(Request::Run(opts)) => match run(opts) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                let _ = writeln!(io::stderr(), "beid-sim: {e}");
                ExitCode::FAILURE
            }
        },
        Err(UsageError(msg)) => {
            let _ = writeln!(io::stderr(), "beid-sim: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Request, UsageError> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults() {
        let Request::Run(o) = parse(&[]).unwrap() else {
            panic!()
        };
        assert_eq!(o.vpcd, "127.0.0.1:35963");
        assert_eq!(o.profile, Profile::Applet18Citizen);
        assert_eq!(
            (o.pin, o.export_root, o.apdu_log, o.once),
            (None, None, None, false)
        );
    }

    #[test]
    fn every_option() {
        let Request::Run(o) = parse(&[
            "--vpcd",
            "10.0.0.1:1",
            "--profile=applet-1.7",
            "--pin",
            "4321",
            "--export-root",
            "root.pem",
            "--apdu-log",
            "-",
            "--once",
        ])
        .unwrap() else {
            panic!()
        };
        assert_eq!(o.vpcd, "10.0.0.1:1");
        assert_eq!(o.profile, Profile::Applet17Citizen);
        assert_eq!(o.pin.as_deref(), Some("4321"));
        assert_eq!(o.export_root, Some(PathBuf::from("root.pem")));
        assert_eq!(o.apdu_log.as_deref(), Some("-"));
        assert!(o.once);
        assert_eq!(parse(&["--help"]), Ok(Request::Help));
        assert_eq!(parse(&["-V"]), Ok(Request::Version));
    }

    #[test]
    fn usage_errors_never_echo_the_pin() {
        assert!(parse(&["--vpcd"]).is_err());
        assert!(parse(&["--profile", "applet-2.0"]).is_err());
        assert!(parse(&["--frobnicate"]).is_err());
        for bad in ["123", "12a45", "1234567890123"] {
            let UsageError(msg) = parse(&["--pin", bad]).unwrap_err();
            assert!(!msg.contains(bad), "{msg}");
        }
    }
}
