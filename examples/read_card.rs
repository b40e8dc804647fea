//! Reads a Belgian eID card and prints what is on it.
//!
//! Uses the first PC/SC reader holding a Belgian eID (with the `pcsc` feature), and falls back to
//! the embedded simulator when there is no reader, no card or no PC/SC service.
//!
//! ```sh
//! cargo run --features pcsc --example read_card -- [--sim [PROFILE]] [--pcsc-only]
//!     [--reader NAME] [--show-national-number] [--apdu]
//! ```
//!
//! The national number is masked unless `--show-national-number` is given (it is personal data
//! restricted by Belgian law). `--apdu` prints the APDU trace with PIN digits and the national
//! number masked.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use beid::transport::Transport;
use beid::{BeidCard, CardContents};

struct Args {
    sim: Option<String>,
    pcsc_only: bool,
    reader: Option<String>,
    reveal: bool,
    apdu: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        sim: None,
        pcsc_only: false,
        reader: None,
        reveal: false,
        apdu: false,
    };
    let mut it = std::env::args().skip(1).peekable();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--sim" => {
                let profile = match it.peek() {
                    Some(p) if !p.starts_with("--") => it.next().unwrap_or_default(),
                    _ => "applet-1.8".to_owned(),
                };
                a.sim = Some(profile);
            }
            "--pcsc-only" => a.pcsc_only = true,
            "--reader" => a.reader = Some(it.next().ok_or("--reader needs a name")?),
            "--show-national-number" => a.reveal = true,
            "--apdu" => a.apdu = true,
            "-h" | "--help" => {
                return Err(
                    "usage: read_card [--sim [PROFILE]] [--pcsc-only] [--reader NAME] \
                            [--show-national-number] [--apdu]"
                        .into(),
                );
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

/// Open a transport: a PC/SC reader if possible, the simulator otherwise.
fn open(args: &Args) -> Result<(Box<dyn Transport + Send>, String), String> {
    if args.sim.is_none() {
        match pcsc_transport(args.reader.as_deref()) {
            Ok(t) => return Ok(t),
            Err(e) if args.pcsc_only => return Err(format!("no card through PC/SC: {e}")),
            Err(e) => eprintln!("No card through PC/SC ({e}); using the embedded simulator."),
        }
    }
    let name = args.sim.clone().unwrap_or_else(|| "applet-1.8".to_owned());
    let profile = beid_simulator::Profile::from_name(&name).map_err(|e| e.to_string())?;
    let card = profile.card().map_err(|e| e.to_string())?;
    Ok((Box::new(card), format!("simulator, profile {profile}")))
}

#[path = "support/reader.rs"]
mod reader;
use reader::pcsc_transport;

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02X}")).collect()
}

/// A field's value, or what is wrong with it (the file was still readable).
fn shown<T: std::fmt::Display>(field: Result<T, beid::ParseError>) -> String {
    match field {
        Ok(v) => v.to_string(),
        Err(e) => format!("<unreadable: {e}>"),
    }
}

fn print(c: &CardContents, source: &str, reveal: bool) {
    let id = &c.identity();
    let nn = id.national_number();
    println!("Source            : {source}");
    println!(
        "Card              : {} (chip {})",
        c.generation(),
        hex(c.card_data().serial())
    );
    println!(
        "Document          : {} no. {}",
        shown(id.document_type().map(|d| d.description())),
        shown(id.card_number().map(|n| n.formatted()))
    );
    println!(
        "Valid             : {} – {}, issued in {}",
        shown(id.validity_begin()),
        shown(id.validity_end()),
        id.issuing_municipality()
    );
    println!("Name              : {} {}", id.given_names(), id.surname());
    match id.birth_date() {
        Some(d) => println!("Born              : {} in {}", d.to_iso(), id.birth_place()),
        None => println!(
            "Born              : \"{}\" in {}",
            id.birth_date_raw(),
            id.birth_place()
        ),
    }
    println!(
        "Sex / nationality : {} / {}",
        shown(id.sex().map(|s| s.description())),
        id.nationality()
    );
    if reveal {
        println!(
            "National number   : {}",
            shown(nn.map(|n| n.formatted_revealed()))
        );
    } else {
        println!(
            "National number   : {} (use --show-national-number to reveal)",
            shown(nn)
        );
    }
    let a = &c.address();
    println!(
        "Address           : {}, {} {}",
        a.street_and_number(),
        a.zip(),
        a.municipality()
    );
    println!(
        "Photo             : {} bytes JPEG{}",
        c.photo().jpeg().len(),
        match (c.photo().width(), c.photo().height()) {
            (Some(w), Some(h)) => format!(", {w}×{h}"),
            _ => String::new(),
        }
    );
    for (label, cert) in [
        ("Authentication", &c.authentication_certificate()),
        ("Non-repudiation", &c.non_repudiation_certificate()),
        ("CA", &c.ca_certificate()),
        ("Root", &c.root_certificate()),
        ("RRN", &c.rrn_certificate()),
    ] {
        match cert {
            Some(cert) => println!(
                "{label:<18}: {} (issuer {}, {}, valid until {})",
                cert.subject_common_name().unwrap_or_default(),
                cert.issuer_common_name().unwrap_or_default(),
                cert.key_kind(),
                cert.not_after()
            ),
            None => println!("{label:<18}: absent"),
        }
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let (transport, source) = match open(&args) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let result = (|| {
        let mut card = BeidCard::open(transport)?;
        if args.apdu {
            card.set_observer(|e| {
                eprintln!("> {}\n< {}", hex(e.command), hex(e.response));
            });
            if args.reveal {
                card.set_privacy(beid::transport::ObserverPrivacy {
                    reveal_national_number: true,
                });
            }
        }
        card.set_progress(|p| {
            eprint!("\rreading… {:>3}%", p.bytes * 100 / p.expected.max(1));
        });
        let contents = card.read_all()?;
        eprintln!(
            "\rread {} bytes in {} APDUs",
            contents.raw().total_len(),
            card.apdu_count()
        );
        Ok::<_, beid::Error>(contents)
    })();
    match result {
        Ok(contents) => {
            print(&contents, &source, args.reveal);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("reading the card failed: {e}");
            ExitCode::FAILURE
        }
    }
}
