//! The PIN digits never appear anywhere a program could leak them (spec §8.2; engineering
//! standard "Secrets"): `Debug` of every value that held or carried a PIN, the APDU observer,
//! the simulator's transcripts and `Debug`, error messages, and the test's own output. Every
//! PIN operation is exercised — VERIFY (right and wrong), CHANGE, both signatures, the PIN pad,
//! a reset in the middle — with PINs chosen so that their digits occur nowhere else.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use beid::apdu::pin_pad::PinPadOptions;
use beid::card::SignInput;
use beid::{BeidCard, Pin};
use beid_simulator::{Faults, KeypadEntry, Profile, VirtualPinPad};

/// Digits that occur in no file of the simulator's cards (checked below).
const PIN: &str = "739148";
const NEW_PIN: &str = "602517";
const WRONG_PIN: &str = "739149";

/// Every representation of `pin` a leak could take: ASCII, the BCD nibbles of the PIN block
/// (spec §8.2) as hex text (with and without spaces, both cases) and as bytes.
fn needles(pin: &str) -> (Vec<String>, Vec<u8>) {
    let block = Pin::new(pin).unwrap().block();
    let bcd = block.as_bytes();
    let hex: String = bcd.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let spaced: String = bcd
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ");
    let bytes_debug = format!("{}, {}, {}", bcd[1], bcd[2], bcd[3]);
    (
        vec![pin.to_owned(), hex, spaced, bytes_debug],
        bcd[1..4].to_vec(),
    )
}

fn scan(what: &str, text: &str, bytes: &[u8]) {
    for pin in [PIN, NEW_PIN, WRONG_PIN] {
        let (texts, raw) = needles(pin);
        let lower = text.to_lowercase();
        for n in &texts {
            assert!(
                !lower.contains(n.as_str()),
                "{what}: {pin} appears as {n:?}"
            );
        }
        assert!(
            !bytes.windows(raw.len()).any(|w| w == raw.as_slice()),
            "{what}: the PIN block of {pin} appears in the bytes"
        );
    }
}

#[test]
fn the_pin_digits_appear_nowhere() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let pad = VirtualPinPad::new()
            .then(KeypadEntry::digits(NEW_PIN))
            .then(KeypadEntry::digits(WRONG_PIN));
        let mut vc = profile
            .builder()
            .pin(PIN)
            .build()
            .unwrap()
            .with_pin_pad(pad);
        vc.record_transcript();
        // The card's own files must not contain the needles, or the scan would prove nothing.
        let image_text = format!("{:?}", vc.image());
        scan("the card image", &image_text, &[]);

        let log = Arc::new(Mutex::new((String::new(), Vec::<u8>::new())));
        let sink = Arc::clone(&log);
        let mut card = BeidCard::open(vc).unwrap();
        card.set_observer(move |e| {
            let mut l = sink.lock().unwrap();
            l.0.push_str(&format!("{e:?}\n"));
            l.1.extend_from_slice(e.command);
            l.1.extend_from_slice(e.response);
        });
        let contents = card.read_all().unwrap();
        let mut debug = String::new();
        let pin = Pin::new(PIN).unwrap();
        let new_pin = Pin::new(NEW_PIN).unwrap();
        let wrong = Pin::new(WRONG_PIN).unwrap();
        debug.push_str(&format!("{pin:?} {new_pin:?} {wrong:?} {:?}", pin.block()));
        let digest = vec![0x33; if card.generation().is_ec() { 48 } else { 32 }];
        let hash = beid::vocab::HashAlgorithm::default_for(card.generation());
        let input = SignInput::Digest {
            hash,
            digest: &digest,
        };
        {
            let mut s = card.session().unwrap();
            debug.push_str(&format!("{:?}", s.verify_pin(&wrong)));
            debug.push_str(&format!("{:?}", s.verify_pin(&pin)));
            debug.push_str(&format!("{:?}", s.sign_authentication(input, None)));
            let nr = s.non_repudiation(&pin);
            debug.push_str(&format!("{nr:?}"));
            debug.push_str(&format!("{:?}", nr.sign(input, None)));
            debug.push_str(&format!("{:?}", s.change_pin(&pin, &new_pin)));
            // The keypad: the new PIN (right), then the wrong one.
            debug.push_str(&format!("{:?}", s.verify_pin_pad(PinPadOptions::default())));
            debug.push_str(&format!("{:?}", s.verify_pin_pad(PinPadOptions::default())));
            debug.push_str(&format!("{:?}", s.change_pin(&new_pin, &pin)));
        }
        // A reset between VERIFY and PSO:CDS: the error, and its message.
        let n = card.channel().transport().apdu_count();
        let mut faults = Faults::new();
        faults.reset_at_apdu(n + 3);
        card.channel().transport_mut().set_faults(faults);
        {
            let mut s = card.session().unwrap();
            let e = s.non_repudiation(&pin).sign(input, None).unwrap_err();
            debug.push_str(&format!("{e:?} {e}"));
        }
        debug.push_str(&format!("{card:?}"));
        let channel = format!("{:?}", card.channel());
        debug.push_str(&channel);
        debug.push_str(&format!("{contents:?}"));
        let vc = card.into_transport();
        debug.push_str(&format!("{vc:?}"));
        let transcript = vc.transcript().expect("recording").to_text();
        assert!(transcript.contains("00 20 00 01") || transcript.contains("00200001"));
        let (observed, observed_bytes) = log.lock().unwrap().clone();
        assert!(
            observed.contains("[0, 32, 0, 1"),
            "the observer saw the VERIFYs"
        );
        scan("Debug and error messages", &debug, &[]);
        scan("the APDU observer", &observed, &observed_bytes);
        scan("the transcript", &transcript, &[]);
        // And what this test prints.
        let printed = format!("{debug}\n{observed}\n{transcript}");
        println!("{} characters scanned for {profile}", printed.len());
    }
}
