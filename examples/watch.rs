//! Follows every PC/SC reader — readers plugged in later included — and reads each Belgian
//! card inserted (spec §1.1 ATRs, §5–§6 files). A card pulled during its read gives a typed
//! `CardRemoved` error and then a removal event, never a hang.
//!
//! ```sh
//! cargo run --features pcsc --example watch -- [--events N] [--timeout SECONDS]
//! ```
//!
//! Stops after N events or SECONDS of waiting (default: runs until interrupted). Needs a
//! running PC/SC service; `beid sim --vpcd 127.0.0.1:35963` gives it a virtual card to see.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::{Duration, Instant};

use beid::BeidCard;
use beid::transport::pcsc::{PcscTransport, WatchEvent, Watcher};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("watch: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut limit: Option<u64> = None;
    let mut deadline: Option<Instant> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--events" => limit = Some(args.next().ok_or("--events needs a number")?.parse()?),
            "--timeout" => {
                let s: u64 = args.next().ok_or("--timeout needs seconds")?.parse()?;
                deadline = Some(Instant::now() + Duration::from_secs(s));
            }
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }

    let mut watcher = Watcher::new()?;
    let mut seen = 0u64;
    while limit.is_none_or(|l| seen < l) {
        let wait = match deadline {
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) => Some(left),
                None => break,
            },
            None => None,
        };
        let Some(event) = watcher.next_event(wait)? else {
            continue; // timed out: the loop condition decides
        };
        seen += 1;
        match event {
            WatchEvent::ReaderAdded { reader } => println!("reader added   {reader}"),
            WatchEvent::ReaderRemoved { reader } => println!("reader removed {reader}"),
            WatchEvent::CardRemoved { reader } => println!("card removed   {reader}"),
            WatchEvent::CardInserted {
                reader,
                atr,
                belgian,
            } => {
                println!("card inserted  {reader}: ATR {}", hex(&atr));
                if belgian {
                    // Reading takes seconds on a real card; a pull meanwhile is an error here
                    // and a CardRemoved event next.
                    match PcscTransport::connect(&reader)
                        .map_err(beid::Error::from)
                        .and_then(|t| BeidCard::open(t)?.read_all())
                    {
                        Ok(c) => println!(
                            "card read      {reader}: {} {} ({})",
                            c.identity().given_names(),
                            c.identity().surname(),
                            c.generation()
                        ),
                        Err(e) => println!("read failed    {reader}: {e}"),
                    }
                }
            }
            other => println!("{other:?}"),
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}
