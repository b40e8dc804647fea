//! Changes the PIN of a simulated card, showing the tries left without spending one, a wrong
//! attempt and its warning, and the change.
//!
//! ```sh
//! cargo run --example change_pin -- [--sim applet-1.7|applet-1.8]
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use beid::card::PinOutcome;
use beid::{BeidCard, Pin};
use beid_simulator::Profile;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("change_pin: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut profile = Profile::Applet18Citizen;
    while let Some(a) = args.next() {
        if a == "--sim" {
            profile = Profile::from_name(&args.next().ok_or("--sim needs a profile")?)?;
        }
    }
    let mut card = BeidCard::open(profile.card()?)?;
    let mut session = card.session()?;
    println!("PIN status: {:?}", session.pin_status()?);

    let current = Pin::new("1234")?;
    let new = Pin::new("975310")?;
    match session.change_pin(&Pin::new("0000")?, &new)? {
        PinOutcome::Wrong { tries_left } => {
            println!("wrong current PIN: {tries_left} tries left");
            if tries_left == 1 {
                println!("warning: one more wrong PIN blocks the card");
            }
        }
        other => println!("unexpected: {other:?}"),
    }
    session.change_pin(&current, &new)?.into_result()?;
    println!("PIN changed");
    session.log_off()?;
    session.verify_pin(&new)?.into_result()?;
    println!("new PIN verified; status: {:?}", session.pin_status()?);
    Ok(())
}
