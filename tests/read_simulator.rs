//! The read path against the simulator: every profile, privacy of traces, progress, faults,
//! the fewest APDUs, serde.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use beid::{BeidCard, Error, FileId, Generation};
use beid_simulator::{Profile, VirtualCard};

#[path = "support/minimum_apdus.rs"]
mod minimum;
use minimum::minimum_apdus;

fn card(p: Profile) -> VirtualCard {
    p.card().expect("ready profile")
}

#[test]
fn every_profile_reads_and_parses() {
    for p in Profile::ALL {
        let mut c = BeidCard::open(card(p)).unwrap();
        assert_eq!(c.generation(), p.generation(), "{p}");
        let contents = c.read_all().unwrap();
        let id = &contents.identity();
        // One chip serial everywhere (spec §9.2).
        assert_eq!(id.chip_number(), contents.card_data().serial(), "{p}");
        assert_eq!(
            contents.token_info().serial(),
            Ok(contents.card_data().serial()),
            "{p}"
        );
        assert!(!id.surname().is_empty());
        assert!(id.national_number().unwrap().check_digits_valid(), "{p}");
        assert!(contents.rrn_certificate().is_some());
        assert!(contents.root_certificate().is_some());
        assert!(contents.ca_certificate().is_some());
        let kids = id.document_type().unwrap().is_kids_card();
        assert_eq!(contents.authentication_certificate().is_none(), kids, "{p}");
        assert_eq!(
            contents.non_repudiation_certificate().is_none(),
            kids,
            "{p}"
        );
        if let Some(cert) = &contents.authentication_certificate() {
            assert_eq!(cert.holder_national_number(), id.national_number().ok());
        }
        assert_eq!(
            contents.basic_public_key().is_some(),
            p.generation() == Generation::Applet18,
            "{p}"
        );
        assert!(contents.photo().jpeg().starts_with(&[0xFF, 0xD8]));
        assert_eq!(
            contents
                .address()
                .without_trailing_zeros()
                .last()
                .map(|b| *b != 0),
            Some(true)
        );
    }
}

#[test]
fn builder_fields_come_back() {
    let vc = VirtualCard::builder()
        .generation(Generation::Applet17)
        .surname("Peeters")
        .given_names("An Sofie")
        .birth_place("Brugge")
        .birth_date_ymd(1990, 2, 28)
        .address("Markt 1", "8000", "Brugge")
        .build()
        .unwrap();
    let contents = BeidCard::open(vc).unwrap().read_all().unwrap();
    let id = &contents.identity();
    assert_eq!(id.surname(), "Peeters");
    assert_eq!(id.given_names(), "An Sofie");
    assert_eq!(id.birth_place(), "Brugge");
    let b = id.birth_date().unwrap();
    assert_eq!((b.year(), b.month(), b.day()), (1990, Some(2), Some(28)));
    assert_eq!(contents.address().street_and_number(), "Markt 1");
    assert_eq!(contents.address().zip(), "8000");
    assert_eq!(contents.address().municipality(), "Brugge");
}

/// The fewest APDUs: one SELECT per file, and READ BINARY only as often as the content
/// requires (exact Le once the DER length is known, no probe after a padded address, one read
/// for an absent certificate).
#[test]
fn apdu_counts_are_minimal() {
    for p in Profile::ALL {
        let mut c = BeidCard::open(card(p)).unwrap();
        let before = c.apdu_count();
        let raw = c.read_raw().unwrap();
        let used = c.apdu_count() - before;
        let minimum = minimum_apdus(&raw, p.generation());
        assert_eq!(
            used,
            minimum,
            "{p}: {used} APDUs for {} bytes",
            raw.total_len()
        );
    }
}

#[test]
fn observer_never_sees_the_national_number_unless_revealed() {
    for reveal in [false, true] {
        let seen: Arc<Mutex<Vec<u8>>> = Arc::default();
        let s2 = seen.clone();
        let mut c = BeidCard::open(card(Profile::Applet17Citizen)).unwrap();
        c.set_privacy(beid::transport::ObserverPrivacy {
            reveal_national_number: reveal,
        });
        c.set_observer(move |e| {
            let mut s = s2.lock().unwrap();
            s.extend_from_slice(e.command);
            s.extend_from_slice(e.response);
        });
        let contents = c.read_all().unwrap();
        let nn = contents.identity().national_number().unwrap();
        let digits = nn.as_bytes();
        let seen = seen.lock().unwrap();
        let found = seen.windows(11).filter(|w| w == digits).count();
        if reveal {
            assert!(found >= 3, "identity + two certificates, found {found}");
        } else {
            assert_eq!(found, 0, "national number leaked into the trace");
        }
        let dbg = format!("{contents:?}");
        assert!(
            !dbg.contains(nn.reveal()),
            "Debug leaks the national number"
        );
    }
}

#[test]
fn progress_is_monotonic_and_complete() {
    let mut c = BeidCard::open(card(Profile::Applet18Citizen)).unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    c.set_progress(move |p| sink.lock().unwrap().push(*p));
    let contents = c.read_all().unwrap();
    let events = seen.lock().unwrap();
    assert!(events.len() > 10);
    assert!(events.windows(2).all(|w| w[0].bytes <= w[1].bytes));
    assert!(events.iter().all(|e| e.bytes <= e.expected));
    let last = events.last().unwrap();
    assert_eq!(last.bytes, contents.raw().total_len());
}

#[test]
fn removal_mid_file_is_typed_and_card_recovers_after_reinsert() {
    let mut vc = card(Profile::Applet17Citizen);
    vc.faults_mut().remove_during_read(FileId::Photo, 512);
    let mut c = BeidCard::open(vc).unwrap();
    assert!(matches!(
        c.read_all(),
        Err(Error::Transport(beid::TransportError::CardRemoved))
    ));
    let mut vc = c.into_transport();
    vc.faults_mut().clear();
    vc.insert();
    let mut c = BeidCard::open(vc).unwrap();
    assert!(c.read_all().is_ok());
}

#[test]
fn reset_mid_read_then_reconnect() {
    let mut vc = card(Profile::Applet18Citizen);
    vc.faults_mut().reset_at_apdu(10);
    let mut c = BeidCard::open(vc).unwrap();
    assert!(matches!(
        c.read_all(),
        Err(Error::Transport(beid::TransportError::CardReset))
    ));
    c.reconnect().unwrap();
    assert!(c.read_all().is_ok());
}

#[test]
fn chunked_get_response_and_6cxx_faults_do_not_change_the_result() {
    let clean = BeidCard::open(card(Profile::Applet17Citizen))
        .unwrap()
        .read_raw()
        .unwrap();
    let mut vc = card(Profile::Applet17Citizen);
    vc.faults_mut().wrong_le_on_first_read(true);
    let faulty = BeidCard::open(vc).unwrap().read_raw().unwrap();
    assert_eq!(clean, faulty);
}

#[test]
fn smaller_chunks_read_the_same_bytes() {
    let a = BeidCard::open(card(Profile::Applet18Citizen))
        .unwrap()
        .read_raw()
        .unwrap();
    for chunk in [252, 128, 250] {
        let opts = beid::ReadOptions::default().with_chunk(chunk);
        let b = beid::OpenOptions::new()
            .read(opts)
            .open(card(Profile::Applet18Citizen))
            .unwrap()
            .read_raw()
            .unwrap();
        assert_eq!(a, b, "chunk {chunk}");
    }
}

#[cfg(feature = "serde")]
#[test]
fn contents_round_trip_through_serde() {
    let contents = BeidCard::open(card(Profile::Applet18Foreigner))
        .unwrap()
        .read_all()
        .unwrap();
    let json = serde_json::to_string(&contents).unwrap();
    let back: beid::CardContents = serde_json::from_str(&json).unwrap();
    assert_eq!(back.raw(), contents.raw());
    assert_eq!(back.identity(), contents.identity());
}
