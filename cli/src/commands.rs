//! The commands.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use aws_lc_rs::digest;
use beid::apdu::pin_pad::PinPadOptions;
use beid::card::{PinOutcome, PinStatus, Session, SignInput};
use beid::files::{Address, Certificate, Identity, TokenInfo};
use beid::transport::Transport;
use beid::verify::{self, Outcome, Policy, TrustStore, VerificationReport};
use beid::vocab::{HashAlgorithm, LifeCycle};
use beid::{BeidCard, CardContents, CardData, FileId, Pin};
use serde_json::{Value, json};
use zeroize::Zeroizing;

use crate::source::{self, Source, SourceKind};
use crate::{
    Cli, Command, Exit, Failure, Global, HashArg, KeyArg, ParseKind, PinAction, PolicyArg, Result,
    SignArgs, SignFormat, VerifyArgs, json, time,
};

type Card = BeidCard<Box<dyn Transport + Send>>;

/// Run one command; `Ok` carries the exit status of a command that completed.
pub(crate) fn run(cli: &Cli) -> Result<Exit> {
    let g = &cli.global;
    if g.sim.is_none() && g.sim_from.is_none() && (g.sim_pin.is_some() || g.sim_tries.is_some()) {
        return Err(Failure::new(
            Exit::Usage,
            "--sim-pin and --sim-tries need --sim or --sim-from",
        ));
    }
    match &cli.command {
        Command::Readers => readers(g),
        Command::Read { photo } => read(g, photo.as_deref()),
        Command::Verify(args) => verify_cmd(g, args),
        Command::Sign(args) => sign(g, args),
        Command::Pin { action } => pin(g, action),
        Command::Dump { dir } => crate::dump::dump(g, dir),
        Command::Parse { file, kind } => parse(file, *kind, g.show_national_number),
        Command::Diagnose => diagnose(g),
        Command::Sim(args) => crate::sim::sim(args),
        Command::Watch(args) => crate::watch::watch(g, args),
    }
}

pub(crate) fn print_json(v: &Value) -> Result<()> {
    let text = serde_json::to_string_pretty(v)
        .map_err(|e| Failure::new(Exit::Card, format!("JSON: {e}")))?;
    out!("{text}");
    Ok(())
}

/// Open the card of `g` (`fallback`: the simulator when PC/SC has no Belgian card).
pub(crate) fn open(g: &Global, fallback: bool) -> Result<(Card, SourceKind)> {
    let Source { transport, kind } = source::open(g, fallback)?;
    let mut card = BeidCard::open(transport)?;
    if matches!(kind, SourceKind::Reader(_)) && std::io::stderr().is_terminal() && !g.json {
        // A real card takes seconds to read; a simulator or a pipe gets no progress bar.
        card.set_progress(|p| {
            let width = 30usize;
            let done = (p.bytes.min(p.expected) * width)
                .checked_div(p.expected)
                .unwrap_or(0);
            eprint!(
                "\r[{}{}] {:>6} / {} bytes",
                "#".repeat(done),
                " ".repeat(width - done),
                p.bytes,
                p.expected
            );
        });
    }
    Ok((card, kind))
}

fn end_progress(kind: &SourceKind, g: &Global) {
    if matches!(kind, SourceKind::Reader(_)) && std::io::stderr().is_terminal() && !g.json {
        eprintln!();
    }
}

// ---------------------------------------------------------------------------------------------

fn readers(g: &Global) -> Result<Exit> {
    #[cfg(feature = "pcsc")]
    {
        let list = beid::transport::pcsc::readers().map_err(|e| {
            Failure::new(
                if source::is_no_card(&e) {
                    Exit::NoCard
                } else {
                    Exit::Card
                },
                format!("{e} (is pcscd running?)"),
            )
        })?;
        if g.json {
            let v: Vec<Value> = list
                .iter()
                .map(|r| {
                    json!({
                        "name": r.name,
                        "card_present": r.card_present,
                        "atr": json::hex(&r.atr),
                        "belgian_eid": r.looks_like_beid(),
                        "generation": beid::vocab::generation_of_atr(&r.atr).map(|g| g.to_string()),
                    })
                })
                .collect();
            print_json(&Value::from(v))?;
        } else if list.is_empty() {
            out!("no readers");
        } else {
            for r in &list {
                let card = if !r.card_present {
                    "no card".to_owned()
                } else if r.looks_like_beid() {
                    match beid::vocab::generation_of_atr(&r.atr) {
                        Some(generation) => format!(
                            "Belgian eID, {generation} (by ATR), ATR {}",
                            json::hex(&r.atr)
                        ),
                        None => format!("Belgian eID, ATR {}", json::hex(&r.atr)),
                    }
                } else {
                    format!("other card, ATR {}", json::hex(&r.atr))
                };
                out!("{}: {card}", r.name);
            }
        }
        Ok(Exit::Ok)
    }
    #[cfg(not(feature = "pcsc"))]
    {
        let _ = g;
        Err(Failure::new(
            Exit::NoCard,
            "built without the `pcsc` feature: only --sim works",
        ))
    }
}

// ---------------------------------------------------------------------------------------------

fn read(g: &Global, photo: Option<&Path>) -> Result<Exit> {
    let (mut card, kind) = open(g, true)?;
    let contents = card.read_all();
    end_progress(&kind, g);
    let contents = contents?;
    if let Some(path) = photo {
        std::fs::write(path, contents.photo().jpeg())
            .map_err(|e| Failure::new(Exit::Input, format!("{}: {e}", path.display())))?;
    }
    if g.json {
        let mut v = json::contents(&contents, g.show_national_number);
        if let Some(o) = v.as_object_mut() {
            o.insert("source".into(), kind.json());
        }
        print_json(&v)?;
    } else {
        print_contents(&contents, &kind, g.show_national_number);
        // Without a reader the first command of the README also shows the verification.
        if let SourceKind::Simulator { .. } = kind {
            let trust = trust_store(&kind, &[])?;
            let report = verify::verify_live(&mut card, &contents, &trust, time::now())?;
            out!();
            out!("Verification (trusting the simulator's test root, never a real card's):");
            print_report_text(&report, &Policy::strict());
        } else {
            out!();
            out!("Run `beid verify` to check signatures, chains and the chip.");
        }
    }
    Ok(Exit::Ok)
}

fn shown<T: std::fmt::Display>(r: std::result::Result<T, beid::ParseError>) -> String {
    match r {
        Ok(v) => v.to_string(),
        Err(e) => format!("<unreadable: {e}>"),
    }
}

fn print_contents(c: &CardContents, kind: &SourceKind, reveal: bool) {
    let id = c.identity();
    out!("Source            : {}", kind.label());
    out!(
        "Card              : {} (chip {})",
        c.generation(),
        json::hex(c.card_data().serial())
    );
    out!(
        "Document          : {} no. {}",
        shown(id.document_type().map(|d| d.description())),
        shown(id.card_number().map(|n| n.formatted()))
    );
    out!(
        "Valid             : {} – {}, issued in {}",
        shown(id.validity_begin()),
        shown(id.validity_end()),
        id.issuing_municipality()
    );
    out!("Name              : {} {}", id.given_names(), id.surname());
    match id.birth_date() {
        Some(d) => out!("Born              : {} in {}", d.to_iso(), id.birth_place()),
        None => out!(
            "Born              : \"{}\" in {}",
            id.birth_date_raw(),
            id.birth_place()
        ),
    }
    out!(
        "Sex / nationality : {} / {}",
        shown(id.sex().map(|s| s.description())),
        id.nationality()
    );
    match (reveal, id.national_number()) {
        (true, Ok(n)) => out!("National number   : {}", n.formatted_revealed()),
        (false, Ok(n)) => out!("National number   : {n} (--show-national-number reveals it)"),
        (_, Err(e)) => out!("National number   : <unreadable: {e}>"),
    }
    let a = c.address();
    out!(
        "Address           : {}, {} {}",
        a.street_and_number(),
        a.zip(),
        a.municipality()
    );
    out!("Photo             : {} bytes JPEG", c.photo().jpeg().len());
    for (label, cert) in [
        ("Authentication", c.authentication_certificate()),
        ("Non-repudiation", c.non_repudiation_certificate()),
        ("CA", c.ca_certificate()),
        ("Root", c.root_certificate()),
        ("RRN", c.rrn_certificate()),
    ] {
        match cert {
            Some(cert) => out!(
                "{label:<18}: {} ({}, valid until {})",
                cert.subject_common_name().unwrap_or_default(),
                cert.key_kind(),
                time::iso(cert.not_after_unix())
            ),
            None => out!("{label:<18}: absent"),
        }
    }
}

// ---------------------------------------------------------------------------------------------

fn read_cert_file(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).map_err(|e| Failure::input(path, e))?;
    if bytes.starts_with(b"-----BEGIN") {
        let (_, der) = der::pem::decode_vec(&bytes).map_err(|e| Failure::input(path, e))?;
        Ok(der)
    } else {
        Ok(bytes)
    }
}

/// The trust store: the pinned Belgian roots for a real card, the simulator's test root for
/// the simulator (never both), plus the caller's roots.
fn trust_store(kind: &SourceKind, extra: &[std::path::PathBuf]) -> Result<TrustStore> {
    let mut trust = match kind {
        SourceKind::Reader(_) | SourceKind::Replica { .. } => TrustStore::belgian(),
        SourceKind::Simulator { root_der, .. } => TrustStore::empty()
            .with_root(root_der)
            .map_err(|e| Failure::new(Exit::Card, format!("simulator root: {e}")))?,
    };
    for path in extra {
        let der = read_cert_file(path)?;
        trust = trust.with_root(&der).map_err(|e| Failure::input(path, e))?;
    }
    Ok(trust)
}

fn policy(p: PolicyArg) -> Policy {
    match p {
        PolicyArg::Strict => Policy::strict(),
        PolicyArg::Offline => Policy::offline(),
        PolicyArg::SignaturesOnly => Policy::signatures_only(),
    }
}

fn outcome_word(o: &Outcome) -> &'static str {
    match o {
        Outcome::Passed => "pass",
        Outcome::Failed(_) => "FAIL",
        _ => "n/a",
    }
}

fn print_report_text(report: &VerificationReport, policy: &Policy) {
    for r in report.results() {
        let reason = match r.outcome {
            Outcome::Passed => r.hash.map(|h| format!("{h:?}")).unwrap_or_default(),
            _ => r.reason(),
        };
        out!(
            "  {:<4}  {:<34} {}",
            outcome_word(&r.outcome),
            r.check.to_string(),
            reason
        );
    }
    if let Some(root) = report.root() {
        out!("  root: {} (SHA-256 {})", root.label, root.fingerprint);
    }
    if report.satisfies(policy) {
        out!("Result: every required check passed");
    } else {
        let missing: Vec<String> = report.unsatisfied(policy).map(|c| c.to_string()).collect();
        out!("Result: NOT VERIFIED ({})", missing.join(", "));
    }
}

fn report_json(report: &VerificationReport, policy: &Policy, at: u64) -> Value {
    let checks: Vec<Value> = report
        .results()
        .iter()
        .map(|r| {
            json!({
                "check": r.check.name(),
                "outcome": match r.outcome {
                    Outcome::Passed => "passed",
                    Outcome::Failed(_) => "failed",
                    _ => "not_applicable",
                },
                "reason": r.reason(),
                "file": r.check.file().map(|f| f.to_string()),
                "hash": r.hash.map(|h| format!("{h:?}").to_lowercase()),
                "required": policy.requires(r.check),
            })
        })
        .collect();
    json!({
        "at": time::iso(at),
        "verified": report.satisfies(policy),
        "root": report.root().map(|r| json!({ "label": r.label, "fingerprint": r.fingerprint })),
        "checks": checks,
    })
}

fn verify_cmd(g: &Global, args: &VerifyArgs) -> Result<Exit> {
    let at = match &args.at {
        Some(s) => time::parse(s)?,
        None => time::now(),
    };
    let (mut card, kind) = open(g, true)?;
    let trust = trust_store(&kind, &args.trust_root)?;
    let contents = card.read_all();
    end_progress(&kind, g);
    let contents = contents?;
    let report = verify::verify_live(&mut card, &contents, &trust, at)?;
    let policy = policy(args.policy);
    let simulated = matches!(kind, SourceKind::Simulator { .. });
    if g.json {
        let mut v = report_json(&report, &policy, at);
        if let Some(o) = v.as_object_mut() {
            o.insert("source".into(), kind.json());
            o.insert("trusts_simulator_root".into(), Value::from(simulated));
        }
        print_json(&v)?;
    } else {
        out!("Source: {}", kind.label());
        if simulated {
            out!("Trusting the simulator's test root (only ever for the simulator)");
        }
        if let SourceKind::Replica { .. } = kind {
            out!(
                "Replica of a dump: its chip key is a simulator test key, so the chip challenge \
                 cannot verify under the dumped EF(PuK#1)"
            );
        }
        out!("At:     {}", time::iso(at));
        print_report_text(&report, &policy);
    }
    Ok(if report.satisfies(&policy) {
        Exit::Ok
    } else {
        Exit::VerificationFailed
    })
}

// ---------------------------------------------------------------------------------------------

/// Read PINs: from stdin lines (`--pin-stdin`) or from a prompt that does not echo.
struct PinReader {
    stdin: bool,
}

/// Whether to let the reader's keypad take the PIN (spec §13.5): when it has one that can do
/// `change` (or verify), unless the PIN comes from stdin or `--no-pin-pad` was given.
fn use_pin_pad<T: Transport>(
    session: &mut Session<'_, T>,
    stdin: bool,
    no_pin_pad: bool,
    change: bool,
) -> bool {
    let (verify, modify) = session.pin_pad_capabilities();
    let use_it = !stdin && !no_pin_pad && if change { modify } else { verify };
    if use_it {
        eprintln!("beid: enter the PIN on the reader's keypad");
    }
    use_it
}

impl PinReader {
    fn read(&self, prompt: &str) -> Result<Pin> {
        let text: Zeroizing<String> = if self.stdin {
            let mut line = Zeroizing::new(String::new());
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| Failure::new(Exit::Input, format!("PIN from stdin: {e}")))?;
            Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned())
        } else {
            if !std::io::stdin().is_terminal() {
                return Err(Failure::new(
                    Exit::Usage,
                    "no terminal for the PIN prompt: use --pin-stdin in scripts",
                ));
            }
            Zeroizing::new(
                rpassword::prompt_password(prompt)
                    .map_err(|e| Failure::new(Exit::Input, format!("PIN prompt: {e}")))?,
            )
        };
        // Validated before any APDU (4 to 12 digits, spec §8.1).
        Pin::new(text.as_str()).map_err(|e| Failure::new(Exit::Usage, format!("PIN: {e}")))
    }
}

fn tries_left(status: PinStatus) -> Option<u8> {
    match status {
        PinStatus::TriesLeft(n) | PinStatus::NotVerified { tries_left: n } => Some(n),
        PinStatus::Blocked => Some(0),
        _ => None,
    }
}

/// Check the PIN state before spending a try: blocked → refuse, last try → warn.
fn before_verify<T: Transport>(session: &mut Session<'_, T>) -> Result<()> {
    let status = session.pin_status()?;
    match tries_left(status) {
        Some(0) => Err(Failure::new(
            Exit::Pin,
            "the PIN is blocked: unblock it with the PUK at the municipality",
        )),
        Some(1) => {
            eprintln!("beid: warning: one PIN try left; a wrong PIN now blocks the card");
            Ok(())
        }
        _ => Ok(()),
    }
}

fn pin_outcome(outcome: PinOutcome) -> Result<()> {
    match outcome {
        PinOutcome::Verified => Ok(()),
        PinOutcome::Wrong { tries_left } => Err(Failure::new(
            Exit::Pin,
            format!(
                "wrong PIN: {tries_left} {} left{}",
                if tries_left == 1 { "try" } else { "tries" },
                if tries_left == 1 {
                    " (the next wrong PIN blocks the card)"
                } else {
                    ""
                }
            ),
        )),
        PinOutcome::Blocked => Err(Failure::new(Exit::Pin, "the PIN is blocked")),
        _ => Err(Failure::new(Exit::Pin, "the card refused the PIN")),
    }
}

fn pin(g: &Global, action: &PinAction) -> Result<Exit> {
    let (mut card, kind) = open(g, false)?;
    let mut session = card.session()?;
    match action {
        PinAction::Status => {
            let status = session.pin_status()?;
            let tries = tries_left(status);
            let verified = matches!(status, PinStatus::Verified);
            if g.json {
                print_json(&json!({
                    "source": kind.json(),
                    "tries_left": tries,
                    "blocked": tries == Some(0),
                    "verified": verified,
                }))?;
            } else {
                match status {
                    PinStatus::Blocked => out!("PIN blocked"),
                    PinStatus::Verified => out!("PIN verified in this card session"),
                    _ => match tries {
                        Some(1) => out!("1 try left (a wrong PIN blocks the card)"),
                        Some(n) => out!("{n} tries left"),
                        None => out!("PIN state unknown"),
                    },
                }
            }
        }
        PinAction::Verify {
            pin_stdin,
            no_pin_pad,
        } => {
            let reader = PinReader { stdin: *pin_stdin };
            before_verify(&mut session)?;
            if use_pin_pad(&mut session, *pin_stdin, *no_pin_pad, false) {
                pin_outcome(session.verify_pin_pad(PinPadOptions::default())?)?;
            } else {
                let pin = reader.read("PIN: ")?;
                pin_outcome(session.verify_pin(&pin)?)?;
            }
            out!("PIN verified");
        }
        PinAction::Change {
            pin_stdin,
            no_pin_pad,
        } => {
            let reader = PinReader { stdin: *pin_stdin };
            before_verify(&mut session)?;
            if use_pin_pad(&mut session, *pin_stdin, *no_pin_pad, true) {
                pin_outcome(session.change_pin_pad(PinPadOptions::default())?)?;
                out!("PIN changed");
                return Ok(Exit::Ok);
            }
            let current = reader.read("Current PIN: ")?;
            let new = reader.read("New PIN: ")?;
            if !*pin_stdin {
                let again = reader.read("New PIN again: ")?;
                if again != new {
                    return Err(Failure::new(
                        Exit::Usage,
                        "the new PINs differ; nothing sent",
                    ));
                }
            }
            pin_outcome(session.change_pin(&current, &new)?)?;
            out!("PIN changed");
        }
    }
    Ok(Exit::Ok)
}

// ---------------------------------------------------------------------------------------------

fn hash_of(h: HashArg) -> (HashAlgorithm, &'static digest::Algorithm) {
    match h {
        HashArg::Sha1 => (HashAlgorithm::Sha1, &digest::SHA1_FOR_LEGACY_USE_ONLY),
        HashArg::Sha256 => (HashAlgorithm::Sha256, &digest::SHA256),
        HashArg::Sha384 => (HashAlgorithm::Sha384, &digest::SHA384),
        HashArg::Sha512 => (HashAlgorithm::Sha512, &digest::SHA512),
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes)
        .map_err(|e| Failure::new(Exit::Input, format!("{}: {e}", path.display())))
}

fn sign(g: &Global, args: &SignArgs) -> Result<Exit> {
    let message = std::fs::read(&args.input).map_err(|e| Failure::input(&args.input, e))?;
    let pins = PinReader {
        stdin: args.pin_stdin,
    };
    let (mut card, kind) = open(g, false)?;
    let ec = card.generation().is_ec();
    let cert_file = match args.key {
        KeyArg::Auth => FileId::AuthenticationCertificate,
        KeyArg::Nonrep => FileId::NonRepudiationCertificate,
    };
    let cert_bytes = card.read_file(cert_file)?;
    let cert = Certificate::parse_file(cert_file, &cert_bytes)?;
    if cert.der().is_empty() {
        return Err(Failure::new(
            Exit::Card,
            format!("the card has no {} certificate (a kids card?)", cert_file),
        ));
    }
    let ca = match args.format {
        SignFormat::Cms => {
            let bytes = card.read_file(FileId::CaCertificate)?;
            Some(Certificate::parse_file(FileId::CaCertificate, &bytes)?)
        }
        _ => None,
    };
    let hash = args
        .hash
        .unwrap_or(if ec { HashArg::Sha384 } else { HashArg::Sha256 });
    let (hash_alg, aws_alg) = hash_of(hash);
    let digest = digest::digest(aws_alg, &message);
    let input = SignInput::Digest {
        hash: hash_alg,
        digest: digest.as_ref(),
    };
    let mut session = card.session()?;
    before_verify(&mut session)?;
    let pad = use_pin_pad(&mut session, args.pin_stdin, args.no_pin_pad, false)
        .then(PinPadOptions::default);
    let pin = match pad {
        Some(_) => None,
        None => Some(pins.read("PIN: ")?),
    };
    let out = match (args.format, args.key) {
        (SignFormat::Cms, key) => {
            if args.hash.is_some() {
                eprintln!("beid: note: CMS uses the card's native hash; --hash is ignored");
            }
            let cms_key = match (key, &pin, pad) {
                (KeyArg::Nonrep, Some(pin), _) => beid::cms::CmsKey::NonRepudiation(pin),
                (KeyArg::Nonrep, None, pad) => {
                    beid::cms::CmsKey::NonRepudiationPinPad(pad.unwrap_or_default())
                }
                (KeyArg::Auth, pin, pad) => {
                    verify_auth(&mut session, pin.as_ref(), pad)?;
                    beid::cms::CmsKey::Authentication
                }
            };
            let chain: Vec<&Certificate> = ca.iter().collect();
            beid::cms::sign_detached(&mut session, cms_key, &message, &cert, &chain, time::now())
                .map_err(pin_error)?
        }
        (format, key) => {
            let signature = match (key, &pin) {
                (KeyArg::Nonrep, Some(pin)) => session.non_repudiation(pin).sign(input, None),
                (KeyArg::Nonrep, None) => session
                    .non_repudiation_pin_pad(pad.unwrap_or_default())
                    .sign(input, None),
                (KeyArg::Auth, pin) => {
                    verify_auth(&mut session, pin.as_ref(), pad)?;
                    session.sign_authentication(input, None)
                }
            }
            .map_err(pin_error)?;
            match format {
                SignFormat::Raw => signature.raw().to_vec(),
                _ => signature.to_standard(),
            }
        }
    };
    drop(session);
    write_file(&args.out, &out)?;
    if let Some(path) = &args.cert {
        write_file(path, cert.der())?;
    }
    let simulated = kind.is_simulated();
    if g.json {
        print_json(&json!({
            "source": kind.json(),
            "key": match args.key { KeyArg::Auth => "auth", KeyArg::Nonrep => "nonrep" },
            "format": format!("{:?}", args.format).to_lowercase(),
            "hash": format!("{hash:?}").to_lowercase(),
            "signature_bytes": out.len(),
            "out": args.out.display().to_string(),
            "test_keys": simulated,
        }))?;
    } else {
        eprintln!(
            "beid: signed {} with the {} key ({}): {} bytes to {}{}",
            args.input.display(),
            match args.key {
                KeyArg::Auth => "authentication",
                KeyArg::Nonrep => "non-repudiation",
            },
            kind.label(),
            out.len(),
            args.out.display(),
            if simulated {
                " (simulator test key)"
            } else {
                ""
            }
        );
    }
    Ok(Exit::Ok)
}

/// Wrong PIN during a non-repudiation signature: the library reports it as a PIN error.
/// VERIFY for the authentication key: typed, or on the keypad.
fn verify_auth<T: Transport>(
    session: &mut Session<'_, T>,
    pin: Option<&Pin>,
    pad: Option<PinPadOptions>,
) -> Result<()> {
    let outcome = match (pin, pad) {
        (Some(pin), _) => session.verify_pin(pin)?,
        (None, pad) => session.verify_pin_pad(pad.unwrap_or_default())?,
    };
    pin_outcome(outcome)
}

fn pin_error(e: beid::Error) -> Failure {
    match &e {
        beid::Error::Pin(beid::PinError::Wrong { tries_left }) => pin_outcome(PinOutcome::Wrong {
            tries_left: *tries_left,
        })
        .err()
        .unwrap_or_else(|| e.into()),
        _ => e.into(),
    }
}

// ---------------------------------------------------------------------------------------------

fn parse(path: &Path, kind: ParseKind, reveal: bool) -> Result<Exit> {
    let bytes = std::fs::read(path).map_err(|e| Failure::input(path, e))?;
    let bad = |e: beid::ParseError| Failure::input(path, e);
    let v = match kind {
        ParseKind::Identity => json::identity(&Identity::parse(&bytes).map_err(bad)?, reveal),
        ParseKind::Address => json::address(&Address::parse(&bytes).map_err(bad)?),
        ParseKind::CardData => json::card_data(&CardData::parse(&bytes).map_err(bad)?),
        ParseKind::Cert => {
            let c = Certificate::parse(&bytes).map_err(bad)?;
            if c.der().is_empty() {
                return Err(Failure::input(
                    path,
                    "holds no certificate (only zero bytes)",
                ));
            }
            json::certificate(&c)
        }
        ParseKind::Tokeninfo => {
            let t = TokenInfo::parse(&bytes).map_err(bad)?;
            json!({
                "version": t.version().ok(),
                "serial": t.serial().ok().map(|s| json::hex(s)),
                "manufacturer_id": t.manufacturer_id(),
                "label": t.label(),
            })
        }
    };
    print_json(&v)?;
    Ok(Exit::Ok)
}

// ---------------------------------------------------------------------------------------------

/// One diagnose line.
struct Line {
    ok: bool,
    what: String,
    detail: String,
    hint: Option<&'static str>,
}

fn diagnose(g: &Global) -> Result<Exit> {
    let mut lines = Vec::new();
    let mut push = |ok: bool, what: &str, detail: String, hint: Option<&'static str>| {
        lines.push(Line {
            ok,
            what: what.to_owned(),
            detail,
            hint,
        })
    };
    if g.sim.is_none() && g.sim_from.is_none() {
        #[cfg(feature = "pcsc")]
        match beid::transport::pcsc::readers() {
            Ok(list) => {
                push(true, "PC/SC service", "reachable".into(), None);
                push(
                    !list.is_empty(),
                    "readers",
                    if list.is_empty() {
                        "none".into()
                    } else {
                        list.iter()
                            .map(|r| r.name.clone())
                            .collect::<Vec<_>>()
                            .join("; ")
                    },
                    list.is_empty()
                        .then_some("plug in a reader; check `lsusb` and the CCID driver"),
                );
                let cards = list.iter().filter(|r| r.looks_like_beid()).count();
                push(
                    cards > 0,
                    "Belgian card",
                    format!("{cards} reader(s) with a Belgian eID ATR"),
                    (cards == 0).then_some("insert the card chip first; clean the contacts"),
                );
            }
            Err(e) => push(
                false,
                "PC/SC service",
                e.to_string(),
                Some("start it: `sudo systemctl start pcscd` (Linux)"),
            ),
        }
        #[cfg(not(feature = "pcsc"))]
        push(
            false,
            "PC/SC",
            "built without the `pcsc` feature".into(),
            None,
        );
    }
    let opened = source::open(g, false).and_then(|s| {
        let kind = s.kind.clone();
        Ok((BeidCard::open(s.transport)?, kind))
    });
    let mut exit = Exit::Ok;
    match opened {
        Err(f) => {
            push(
                false,
                "SELECT + GET CARD DATA",
                f.message,
                Some("use --sim to try without a card"),
            );
            exit = f.exit;
        }
        Ok((mut card, kind)) => {
            let cd = card.card_data().clone();
            push(
                true,
                "SELECT + GET CARD DATA",
                format!(
                    "{}: {}, applet version byte {:02X}, chip {}",
                    kind.label(),
                    cd.generation(),
                    cd.applet_version(),
                    json::hex(cd.serial())
                ),
                None,
            );
            let life_cycle = card.life_cycle();
            push(
                life_cycle.is_personalized(),
                "life cycle",
                match life_cycle {
                    LifeCycle::Personalized => "0F personalized (issued)".into(),
                    LifeCycle::Selectable => {
                        "07 selectable: the card is not activated (files and PIN refused)".into()
                    }
                    other => format!("{:02X}: not a released card", other.byte()),
                },
                life_cycle.hint(),
            );
            // A card that is not activated refuses what follows with "not activated".
            let hint_for = |e: &beid::Error| match e {
                beid::Error::Card(beid::CardError::NotActivated { .. }) => {
                    Some(beid::vocab::life_cycle::NOT_ACTIVATED_HINT)
                }
                _ => None,
            };
            match card.session().and_then(|mut s| s.pin_status()) {
                Ok(status) => match tries_left(status) {
                    Some(0) => push(
                        false,
                        "PIN",
                        "blocked".into(),
                        Some("unblock with the PUK at the municipality"),
                    ),
                    Some(n) => push(
                        n > 1,
                        "PIN",
                        format!("{n} tries left (no try spent)"),
                        (n == 1).then_some("one try left: be sure of the PIN"),
                    ),
                    None => push(true, "PIN", "verified in this session".into(), None),
                },
                Err(e) => push(false, "PIN", e.to_string(), hint_for(&e)),
            }
            let now = time::now();
            for (label, file) in [
                (
                    "authentication certificate",
                    FileId::AuthenticationCertificate,
                ),
                (
                    "non-repudiation certificate",
                    FileId::NonRepudiationCertificate,
                ),
            ] {
                match card
                    .read_file(file)
                    .and_then(|b| Ok(Certificate::parse_file(file, &b)?))
                {
                    Ok(c) if c.der().is_empty() => {
                        push(true, label, "absent (normal on kids cards)".into(), None)
                    }
                    Ok(c) => {
                        let valid = c.not_before_unix() <= now && now <= c.not_after_unix();
                        push(
                            valid,
                            label,
                            format!(
                                "valid {} – {}",
                                time::iso(c.not_before_unix()),
                                time::iso(c.not_after_unix())
                            ),
                            (!valid).then_some(
                                "the certificate is outside its validity: renew the card",
                            ),
                        );
                    }
                    Err(e) => push(false, label, e.to_string(), hint_for(&e)),
                }
            }
        }
    }
    let failed = lines.iter().any(|l| !l.ok);
    if g.json {
        let v: Vec<Value> = lines
            .iter()
            .map(|l| json!({ "check": l.what, "ok": l.ok, "detail": l.detail, "hint": l.hint }))
            .collect();
        print_json(&Value::from(v))?;
    } else {
        let mut out = std::io::stdout().lock();
        for l in &lines {
            let _ = writeln!(
                out,
                "{:<8} {:<28} {}{}",
                if l.ok { "OK" } else { "PROBLEM" },
                l.what,
                l.detail,
                l.hint
                    .map(|h| format!("\n         hint: {h}"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(if exit != Exit::Ok {
        exit
    } else if failed {
        Exit::Card
    } else {
        Exit::Ok
    })
}
