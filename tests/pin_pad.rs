//! Secure PIN entry on a PIN-pad reader (spec §13.5), with the simulator's virtual keypad:
//! success, wrong PIN, timeout, cancel, change, the non-repudiation rule, a reader without a
//! keypad, and the digits never seen by the host's observer.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use beid::apdu::pin_pad::{PinPadLanguage, PinPadOptions};
use beid::card::{PinOutcome, SignInput};
use beid::vocab::HashAlgorithm;
use beid::{ArgumentError, BeidCard, Error, Pin, PinError};
use beid_simulator::{KeypadEntry, Profile, VirtualCard, VirtualPinPad};

const PROFILES: [Profile; 2] = [Profile::Applet17Citizen, Profile::Applet18Citizen];

fn with_pad(profile: Profile, pad: VirtualPinPad) -> BeidCard<VirtualCard> {
    BeidCard::open(profile.card().unwrap().with_pin_pad(pad)).unwrap()
}

fn digest(card: &BeidCard<VirtualCard>) -> (HashAlgorithm, Vec<u8>) {
    if card.generation().is_ec() {
        (HashAlgorithm::Sha384, vec![0x11; 48])
    } else {
        (HashAlgorithm::Sha256, vec![0x11; 32])
    }
}

#[test]
fn verify_on_the_keypad_then_sign_with_the_authentication_key() {
    for profile in PROFILES {
        let mut card = with_pad(
            profile,
            VirtualPinPad::new().then(KeypadEntry::digits("1234")),
        );
        let (hash, d) = digest(&card);
        let before = card.apdu_count();
        let mut s = card.session().unwrap();
        assert_eq!(s.pin_pad_capabilities(), (true, true));
        assert_eq!(
            s.verify_pin_pad(PinPadOptions::default()).unwrap(),
            PinOutcome::Verified
        );
        s.sign_authentication(SignInput::Digest { hash, digest: &d }, None)
            .unwrap();
        drop(s);
        // One PIN-pad exchange, then MSE:SET + PSO:CDS + GET RESPONSE.
        assert_eq!(card.apdu_count() - before, 4, "{profile}");
        assert!(card.channel().transport().is_pin_verified());
    }
}

#[test]
fn a_wrong_pin_on_the_keypad_costs_one_try() {
    for profile in PROFILES {
        let mut card = with_pad(
            profile,
            VirtualPinPad::new().then(KeypadEntry::digits("9999")),
        );
        let mut s = card.session().unwrap();
        assert_eq!(
            s.verify_pin_pad(PinPadOptions::default()).unwrap(),
            PinOutcome::Wrong { tries_left: 2 }
        );
        drop(s);
        assert_eq!(card.channel().transport().pin_tries_left(), 2);
    }
}

#[test]
fn timeout_and_cancel_reach_nothing_and_cost_nothing() {
    for profile in PROFILES {
        for (entry, expected) in [
            (KeypadEntry::Cancel, PinError::EntryCancelled),
            (KeypadEntry::Timeout, PinError::EntryTimedOut),
        ] {
            let mut card = with_pad(profile, VirtualPinPad::new().then(entry));
            let card_apdus = card.channel().transport().apdu_count();
            let mut s = card.session().unwrap();
            let err = s.verify_pin_pad(PinPadOptions::default()).unwrap_err();
            assert!(matches!(err, Error::Pin(e) if e == expected), "{err:?}");
            drop(s);
            let t = card.channel().transport();
            assert_eq!(t.pin_tries_left(), 3);
            assert_eq!(t.apdu_count(), card_apdus, "nothing reached the card");
            assert!(!t.is_pin_verified());
        }
        // An empty queue: the holder never answers.
        let mut card = with_pad(profile, VirtualPinPad::new());
        let err = card
            .session()
            .unwrap()
            .verify_pin_pad(PinPadOptions::default().timeout(5))
            .unwrap_err();
        assert!(matches!(err, Error::Pin(PinError::EntryTimedOut)));
    }
}

#[test]
fn a_pin_of_the_wrong_length_is_refused_by_the_reader() {
    let mut card = with_pad(
        Profile::Applet18Citizen,
        VirtualPinPad::new().then(KeypadEntry::digits("12")),
    );
    let err = card
        .session()
        .unwrap()
        .verify_pin_pad(PinPadOptions::default())
        .unwrap_err();
    assert!(
        matches!(err, Error::Pin(PinError::PinPadRefused { sw }) if sw.0 == 0x6403),
        "{err:?}"
    );
    assert_eq!(card.channel().transport().pin_tries_left(), 3);
}

#[test]
fn change_on_the_keypad() {
    for profile in PROFILES {
        let pad = VirtualPinPad::new()
            .then(KeypadEntry::digits("1234"))
            .then(KeypadEntry::digits("867530"))
            .then(KeypadEntry::digits("867530"));
        let mut card = with_pad(profile, pad);
        let mut s = card.session().unwrap();
        assert_eq!(
            s.change_pin_pad(PinPadOptions::default().language(PinPadLanguage::Dutch))
                .unwrap(),
            PinOutcome::Verified
        );
        assert_eq!(
            s.verify_pin(&Pin::new("867530").unwrap()).unwrap(),
            PinOutcome::Verified
        );
        // Confirmation that differs: the reader refuses, the card never sees it.
        drop(s);
        let pad = card.channel().transport_mut().pin_pad_mut().unwrap();
        pad.push(KeypadEntry::digits("867530"));
        pad.push(KeypadEntry::digits("1111"));
        pad.push(KeypadEntry::digits("1112"));
        let err = card
            .session()
            .unwrap()
            .change_pin_pad(PinPadOptions::default())
            .unwrap_err();
        assert!(
            matches!(err, Error::Pin(PinError::PinPadRefused { sw }) if sw.0 == 0x6402),
            "{err:?}"
        );
        assert_eq!(card.channel().transport().pin_tries_left(), 3);
    }
}

#[test]
fn a_verify_only_keypad_cannot_change() {
    let mut card = with_pad(Profile::Applet17Citizen, VirtualPinPad::verify_only());
    let before = card.apdu_count();
    let mut s = card.session().unwrap();
    assert_eq!(s.pin_pad_capabilities(), (true, false));
    let err = s.change_pin_pad(PinPadOptions::default()).unwrap_err();
    assert!(
        matches!(err, Error::Argument(ArgumentError::NoPinPad { .. })),
        "{err:?}"
    );
    drop(s);
    assert_eq!(card.apdu_count(), before);
}

#[test]
fn without_a_keypad_nothing_is_sent() {
    let mut card = BeidCard::open(Profile::Applet18Citizen.card().unwrap()).unwrap();
    let before = card.apdu_count();
    let mut s = card.session().unwrap();
    assert_eq!(s.pin_pad_capabilities(), (false, false));
    let err = s.verify_pin_pad(PinPadOptions::default()).unwrap_err();
    assert!(
        matches!(err, Error::Argument(ArgumentError::NoPinPad { .. })),
        "{err:?}"
    );
    drop(s);
    assert_eq!(card.apdu_count(), before);
}

#[test]
fn non_repudiation_with_the_keypad_is_one_call() {
    for profile in PROFILES {
        let pad = VirtualPinPad::new()
            .then(KeypadEntry::digits("1234"))
            .then(KeypadEntry::Cancel);
        let mut card = with_pad(profile, pad);
        let (hash, d) = digest(&card);
        let mut s = card.session().unwrap();
        let input = SignInput::Digest { hash, digest: &d };
        let signature = s
            .non_repudiation_pin_pad(PinPadOptions::default())
            .sign(input, None)
            .unwrap();
        assert!(!signature.raw().is_empty());
        // The next one needs its own PIN: Cancel on the keypad, no signature.
        let err = s
            .non_repudiation_pin_pad(PinPadOptions::default())
            .sign(input, None)
            .unwrap_err();
        assert!(
            matches!(err, Error::Pin(PinError::EntryCancelled)),
            "{err:?}"
        );
    }
}

#[test]
fn the_observer_sees_the_empty_template_never_the_digits() {
    let log = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
    let sink = Arc::clone(&log);
    let mut card = with_pad(
        Profile::Applet17Citizen,
        VirtualPinPad::new().then(KeypadEntry::digits("739148")),
    );
    card.set_observer(move |e| sink.lock().unwrap().push(e.command.to_vec()));
    let outcome = card
        .session()
        .unwrap()
        .verify_pin_pad(PinPadOptions::default())
        .unwrap();
    assert_eq!(
        outcome,
        PinOutcome::Wrong { tries_left: 2 },
        "739148 is not the PIN"
    );
    let seen = log.lock().unwrap().clone();
    let verify = seen
        .iter()
        .find(|c| c.starts_with(&[0x00, 0x20, 0x00, 0x01]))
        .expect("the PIN-pad VERIFY was observed");
    assert_eq!(
        verify,
        &[
            0x00, 0x20, 0x00, 0x01, 0x08, 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF
        ]
    );
    let all: Vec<u8> = seen.concat();
    assert!(!all.windows(3).any(|w| w == [0x73, 0x91, 0x48]));
}
