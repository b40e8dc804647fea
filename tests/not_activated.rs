//! A card that is not issued yet (life cycle `07` SELECTABLE, spec §9.2): the library opens it,
//! says what it is, and names every refusal `CardError::NotActivated` instead of a bare status
//! word — SELECT of a file `6283` (applet 1.7) / `6985` (applet 1.8), PIN and signing commands
//! `6D00` (spec §3.1, §10). An issued card's `6D00` stays a plain status error.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use beid::card::SignInput;
use beid::error::CardError;
use beid::vocab::{HashAlgorithm, LifeCycle};
use beid::{BeidCard, CommandKind, Error, FileId, Pin, StatusWord};
use beid_simulator::{Profile, VirtualCard};

fn not_issued(profile: Profile) -> BeidCard<VirtualCard> {
    let card = profile.builder().not_issued().build().unwrap();
    BeidCard::open(card).expect("a not-issued card still opens")
}

fn not_activated(err: &Error) -> (CommandKind, u16, Option<LifeCycle>) {
    match err {
        Error::Card(CardError::NotActivated {
            command,
            sw,
            life_cycle,
        }) => (*command, sw.0, *life_cycle),
        other => panic!("expected NotActivated, got {other:?}"),
    }
}

#[test]
fn open_reports_the_life_cycle() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let card = not_issued(profile);
        assert_eq!(card.life_cycle(), LifeCycle::Selectable, "{profile}");
        let issued = BeidCard::open(profile.card().unwrap()).unwrap();
        assert_eq!(issued.life_cycle(), LifeCycle::Personalized);
    }
}

#[test]
fn selecting_a_file_is_refused_with_the_generation_s_status_word() {
    for (profile, sw) in [
        (Profile::Applet17Citizen, 0x6283),
        (Profile::Applet18Citizen, 0x6985),
    ] {
        let mut card = not_issued(profile);
        let err = card.read_file(FileId::Identity).unwrap_err();
        assert_eq!(
            not_activated(&err),
            (CommandKind::Select, sw, Some(LifeCycle::Selectable)),
            "{profile}"
        );
        assert_eq!(err.status_word(), Some(StatusWord(sw)));
        let err = card.read_all().unwrap_err();
        assert_eq!(not_activated(&err).0, CommandKind::Select, "{profile}");
        // The message says what happened, not just the status word.
        assert!(err.to_string().contains("not activated"), "{err}");
    }
}

#[test]
fn pin_and_signing_commands_are_not_available() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let mut card = not_issued(profile);
        let mut s = card.session().unwrap();
        let pin = Pin::new("1234").unwrap();
        let err = s.verify_pin(&pin).unwrap_err();
        assert_eq!(
            not_activated(&err),
            (CommandKind::Verify, 0x6D00, Some(LifeCycle::Selectable)),
            "{profile}"
        );
        let digest = [0u8; 48];
        let input = SignInput::Digest {
            hash: HashAlgorithm::Sha384,
            digest: &digest,
        };
        let err = s.non_repudiation(&pin).sign(input, None).unwrap_err();
        let (command, sw, _) = not_activated(&err);
        assert_eq!(sw, 0x6D00, "{profile}");
        assert!(
            matches!(
                command,
                CommandKind::ManageSecurityEnvironment | CommandKind::Verify
            ),
            "{command:?}"
        );
        let err = s.sign_authentication(input, None).unwrap_err();
        assert_eq!(not_activated(&err).1, 0x6D00);
    }
}

#[test]
fn an_issued_card_s_6d00_is_a_plain_status_error() {
    let err = CardError::from_status(
        CommandKind::Verify,
        StatusWord(0x6D00),
        Some(LifeCycle::Personalized),
    );
    assert!(matches!(err, CardError::Status { .. }), "{err:?}");
    // SELECT 6985 on an issued card is "conditions not satisfied", not "not activated".
    let err = CardError::from_status(
        CommandKind::Select,
        StatusWord(0x6985),
        Some(LifeCycle::Personalized),
    );
    assert!(matches!(err, CardError::Status { .. }), "{err:?}");
    // 6283 on SELECT always means the file is deactivated (ISO 7816-4).
    let err = CardError::from_status(
        CommandKind::Select,
        StatusWord(0x6283),
        Some(LifeCycle::Personalized),
    );
    assert!(matches!(err, CardError::NotActivated { .. }), "{err:?}");
}
