//! Reads a card and proves it genuine: identity, address and photo signatures, certificate
//! chains, national and chip number consistency and, on applet 1.8, a live chip challenge
//! (spec §7, §8.11, §12.2). Prints one line per check and exits non-zero when a check the
//! strict policy requires fails.
//!
//! ```sh
//! cargo run --example verify -- [--sim applet-1.7|applet-1.8|…] [--at UNIX_SECONDS]
//! cargo run --features pcsc --example verify -- --reader "NAME"   # a real card
//! ```
//!
//! A virtual card is signed by the simulator's test PKI, so its test root is trusted for it
//! (and the output says so); a real card is checked against the Belgian roots pinned by SHA-256
//! fingerprint (`TrustStore::belgian()`), never against the test root.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use beid::BeidCard;
use beid::transport::Transport;
use beid::verify::{self, Policy, TrustStore};
use beid_simulator::keys::KeyFamily;
use beid_simulator::{Profile, TestPki};

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("verify: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let mut profile = Profile::Applet18Citizen;
    let mut reader: Option<String> = None;
    // The instant is the caller's: the library never reads the clock itself.
    let mut at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--sim" => profile = Profile::from_name(&args.next().ok_or("--sim needs a profile")?)?,
            "--reader" => reader = Some(args.next().ok_or("--reader needs a name")?),
            "--at" => at = args.next().ok_or("--at needs Unix seconds")?.parse()?,
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }

    let (transport, trust): (Box<dyn Transport>, TrustStore) = match reader {
        Some(name) => (open_reader(&name)?, TrustStore::belgian()),
        None => {
            let virtual_card = profile.card()?;
            let family =
                KeyFamily::for_generation(virtual_card.generation()).ok_or("no key family")?;
            let root = TestPki::standard(family)?.root_certificate_der();
            println!(
                "virtual card {profile}: the simulator's test root is trusted (never for a real card)"
            );
            (Box::new(virtual_card), TrustStore::empty().with_root(root)?)
        }
    };

    let mut card = BeidCard::open(transport)?;
    let contents = card.read_all()?;
    let report = verify::verify_live(&mut card, &contents, &trust, at)?;
    for r in report.results() {
        println!(
            "{:<34} {:<15} {}",
            r.check.to_string(),
            r.outcome.status(),
            r.reason()
        );
    }
    if let Some(root) = report.root() {
        println!("root: {} (SHA-256 {})", root.label, root.fingerprint);
    }
    let policy = Policy::strict();
    let ok = report.satisfies(&policy);
    for check in report.unsatisfied(&policy) {
        eprintln!("required check not passed: {check}");
    }
    println!("{}", if ok { "genuine" } else { "NOT verified" });
    Ok(ok)
}

#[cfg(feature = "pcsc")]
fn open_reader(name: &str) -> Result<Box<dyn Transport>, beid::Error> {
    Ok(Box::new(beid::transport::pcsc::PcscTransport::connect(
        name,
    )?))
}

#[cfg(not(feature = "pcsc"))]
fn open_reader(_: &str) -> Result<Box<dyn Transport>, Box<dyn std::error::Error>> {
    Err("--reader needs the pcsc feature: cargo run --features pcsc --example verify".into())
}
