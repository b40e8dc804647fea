//! How a team tests its eID code in CI with no card and no reader: every pattern below runs
//! against the in-process simulator and checks itself (`cargo run --example ci_testing` exits
//! non-zero if any of them does not behave as a real card would).
//!
//! 1. a fresh virtual card per test, from a ready profile (microseconds);
//! 2. a custom card from the builder (your own holder data, generation, PIN);
//! 3. the PIN counter: wrong, last-try warning, blocked (spec §8.3) — no real card burnt;
//! 4. a card pulled in the middle of a read: a typed error, then the card works again;
//! 5. an APDU transcript, PIN digits masked, replayed later as a fixture;
//! 6. a replica: the raw files of one card (e.g. `beid dump DIR` of a real card, loaded with
//!    `beid_simulator::replica::load_dump`) served as a new virtual card.
//!
//! For programs that talk PC/SC themselves (OpenSC, browsers, your own C code), `beid sim
//! --vpcd 127.0.0.1:35963` serves the same virtual cards to a real pcscd (see the README).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use beid::card::PinOutcome;
use beid::{BeidCard, Error, FileId, Generation, Pin, TransportError};
use beid_simulator::{CardImage, Profile, ReplayTransport, VirtualCard};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;
/// One pattern: a name and the function that checks it.
type Step = (&'static str, fn() -> Result<()>);

fn main() -> ExitCode {
    let steps: [Step; 6] = [
        ("fresh card per test", fresh_card),
        ("custom card from the builder", custom_card),
        ("PIN counter down to blocked", pin_counter),
        ("card pulled mid-read", pulled_mid_read),
        ("transcript recorded and replayed", transcript),
        ("replica of a card's raw files", replica),
    ];
    let mut failed = 0;
    for (name, step) in steps {
        match step() {
            Ok(()) => println!("ok    {name}"),
            Err(e) => {
                failed += 1;
                println!("FAIL  {name}: {e}");
            }
        }
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `Err` with `what` unless `cond`.
fn ensure(cond: bool, what: &str) -> Result<()> {
    if cond { Ok(()) } else { Err(what.into()) }
}

fn fresh_card() -> Result<()> {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let mut card = BeidCard::open(profile.card()?)?;
        let contents = card.read_all()?;
        ensure(!contents.identity().surname().is_empty(), "empty surname")?;
        ensure(
            card.generation() == profile.card()?.generation(),
            "generation",
        )?;
    }
    Ok(())
}

fn custom_card() -> Result<()> {
    let virtual_card = VirtualCard::builder()
        .surname("Peeters")
        .given_names("An Sofie")
        .generation(Generation::Applet17)
        .pin("4321")
        .build()?;
    let mut card = BeidCard::open(virtual_card)?;
    let contents = card.read_all()?;
    ensure(contents.identity().surname() == "Peeters", "surname")?;
    ensure(
        contents.identity().given_names() == "An Sofie",
        "given names",
    )?;
    let mut session = card.session()?;
    ensure(
        session.verify_pin(&Pin::new("4321")?)? == PinOutcome::Verified,
        "custom PIN not accepted",
    )
}

fn pin_counter() -> Result<()> {
    let mut card = BeidCard::open(Profile::Applet18Citizen.card()?)?;
    let mut session = card.session()?;
    let wrong = Pin::new("9999")?;
    ensure(
        session.verify_pin(&wrong)? == PinOutcome::Wrong { tries_left: 2 },
        "first wrong PIN",
    )?;
    let second = session.verify_pin(&wrong)?;
    // What an application shows before the user's last try.
    ensure(second.is_last_try(), "no last-try warning at one try left")?;
    ensure(
        session.verify_pin(&wrong)? == PinOutcome::Blocked,
        "not blocked",
    )?;
    ensure(
        session.verify_pin(&Pin::new("1234")?)? == PinOutcome::Blocked,
        "a blocked PIN accepted the right PIN",
    )
}

fn pulled_mid_read() -> Result<()> {
    let mut virtual_card = Profile::Applet17Citizen.card()?;
    virtual_card
        .faults_mut()
        .remove_during_read(FileId::Photo, 512);
    let mut card = BeidCard::open(virtual_card)?;
    ensure(
        matches!(
            card.read_all(),
            Err(Error::Transport(TransportError::CardRemoved))
        ),
        "pulled card not reported as CardRemoved",
    )?;
    let mut virtual_card = card.into_transport();
    virtual_card.faults_mut().clear();
    virtual_card.insert();
    BeidCard::open(virtual_card)?.read_all()?;
    Ok(())
}

fn transcript() -> Result<()> {
    let mut virtual_card = Profile::Applet18Citizen.card()?;
    virtual_card.record_transcript();
    let mut card = BeidCard::open(virtual_card)?;
    let original = card.read_all()?;
    card.session()?.verify_pin(&Pin::new("1234")?)?;
    let recorded = card
        .into_transport()
        .take_transcript()
        .ok_or("no transcript")?;
    let text = recorded.to_text();
    // The PIN block (spec §8.2: 24 12 34 FF …) never reaches a transcript.
    ensure(!text.contains("241234"), "PIN digits in the transcript")?;
    ensure(
        text.contains("> 0020000108FFFFFFFFFFFFFFFF"),
        "VERIFY not recorded (masked)",
    )?;
    // Replayed, the transcript is a fixture: the same reads, no simulator behind it.
    let mut replayed = BeidCard::open(ReplayTransport::from_text(&text)?)?;
    ensure(
        replayed.read_all()?.raw() == original.raw(),
        "replay differs",
    )
}

fn replica() -> Result<()> {
    let mut card = BeidCard::open(Profile::Applet18Citizen.card()?)?;
    let raw = card.read_raw()?;
    let copy = VirtualCard::from_image(CardImage::from_raw(&raw, "1234")?);
    let mut copy = BeidCard::open(copy)?;
    ensure(copy.read_raw()? == raw, "replica serves other bytes")
}
