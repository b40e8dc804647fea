//! The card session against the simulator: PIN operations, signatures with both keys and every
//! algorithm, verified by aws-lc-rs against the certificate read from the card; the
#![allow(clippy::expect_used, clippy::unwrap_used)]
//! non-repudiation rule; APDU counts (spec §8).

use aws_lc_rs::digest;
use aws_lc_rs::signature::{self as sig, UnparsedPublicKey, VerificationAlgorithm};
use beid::card::{PinOutcome, PinStatus, SignInput};
use beid::vocab::{EcdsaAlgorithm, HashAlgorithm, RsaAlgorithm, SignatureAlgorithm};
use beid::{BeidCard, Error, FileId, Generation, Pin, PinError, TransportError};
use beid_simulator::{Faults, Profile, VirtualCard};

const MSG: &[u8] = b"the document to sign";

fn open(profile: Profile) -> BeidCard<VirtualCard> {
    BeidCard::open(profile.card().unwrap()).unwrap()
}

fn spki(card: &mut BeidCard<VirtualCard>, file: FileId) -> Vec<u8> {
    let bytes = card.read_file(file).unwrap();
    beid::Certificate::parse(&bytes)
        .unwrap()
        .subject_public_key_info_der()
        .to_vec()
}

fn hash(alg: &'static digest::Algorithm) -> Vec<u8> {
    digest::digest(alg, MSG).as_ref().to_vec()
}

fn ok(alg: &'static dyn VerificationAlgorithm, spki: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(alg, spki)
        .verify(MSG, signature)
        .is_ok()
}

#[test]
fn wrong_pin_three_times_blocks_with_tries_left_on_the_way() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let mut card = open(profile);
        let mut s = card.session().unwrap();
        let wrong = Pin::new("9999").unwrap();
        assert_eq!(
            s.verify_pin(&wrong).unwrap(),
            PinOutcome::Wrong { tries_left: 2 }
        );
        let second = s.verify_pin(&wrong).unwrap();
        assert_eq!(second, PinOutcome::Wrong { tries_left: 1 });
        assert!(second.is_last_try());
        assert_eq!(s.verify_pin(&wrong).unwrap(), PinOutcome::Blocked);
        assert_eq!(s.pin_status().unwrap(), PinStatus::Blocked);
        // Even the right PIN is refused now.
        assert_eq!(
            s.verify_pin(&Pin::new("1234").unwrap()).unwrap(),
            PinOutcome::Blocked
        );
    }
}

#[test]
fn pin_status_spends_no_try() {
    let mut card = open(Profile::Applet18Citizen);
    let mut s = card.session().unwrap();
    for _ in 0..5 {
        assert_eq!(s.pin_status().unwrap(), PinStatus::TriesLeft(3));
    }
    drop(s);
    let mut card = open(Profile::Applet17Citizen);
    let mut s = card.session().unwrap();
    for _ in 0..5 {
        assert_eq!(
            s.pin_status().unwrap(),
            PinStatus::NotVerified { tries_left: 3 }
        );
    }
    assert_eq!(
        s.verify_pin(&Pin::new("1234").unwrap()).unwrap(),
        PinOutcome::Verified
    );
    assert_eq!(s.pin_status().unwrap(), PinStatus::Verified);
}

#[test]
fn change_pin_then_log_off() {
    let mut card = open(Profile::Applet17Citizen);
    let mut s = card.session().unwrap();
    let old = Pin::new("1234").unwrap();
    let new = Pin::new("567890").unwrap();
    assert_eq!(
        s.change_pin(&Pin::new("0000").unwrap(), &new).unwrap(),
        PinOutcome::Wrong { tries_left: 2 }
    );
    assert_eq!(s.change_pin(&old, &new).unwrap(), PinOutcome::Verified);
    s.log_off().unwrap();
    assert_eq!(
        s.verify_pin(&old).unwrap(),
        PinOutcome::Wrong { tries_left: 2 }
    );
    assert_eq!(s.verify_pin(&new).unwrap(), PinOutcome::Verified);
}

#[test]
fn authentication_key_every_algorithm_17() {
    let mut card = open(Profile::Applet17Citizen);
    let spki = spki(&mut card, FileId::AuthenticationCertificate);
    let mut s = card.session().unwrap();
    assert_eq!(
        s.verify_pin(&Pin::new("1234").unwrap()).unwrap(),
        PinOutcome::Verified
    );
    type Case = (
        HashAlgorithm,
        &'static digest::Algorithm,
        Option<SignatureAlgorithm>,
        &'static dyn VerificationAlgorithm,
    );
    let cases: [Case; 6] = [
        (
            HashAlgorithm::Sha256,
            &digest::SHA256,
            None,
            &sig::RSA_PKCS1_2048_8192_SHA256,
        ),
        (
            HashAlgorithm::Sha1,
            &digest::SHA1_FOR_LEGACY_USE_ONLY,
            None,
            &sig::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
        ),
        (
            HashAlgorithm::Sha384,
            &digest::SHA384,
            None,
            &sig::RSA_PKCS1_2048_8192_SHA384,
        ),
        (
            HashAlgorithm::Sha512,
            &digest::SHA512,
            None,
            &sig::RSA_PKCS1_2048_8192_SHA512,
        ),
        (
            HashAlgorithm::Sha256,
            &digest::SHA256,
            Some(SignatureAlgorithm::Rsa(RsaAlgorithm::Pkcs1)),
            &sig::RSA_PKCS1_2048_8192_SHA256,
        ),
        (
            HashAlgorithm::Sha256,
            &digest::SHA256,
            Some(SignatureAlgorithm::Rsa(RsaAlgorithm::PssSha256)),
            &sig::RSA_PSS_2048_8192_SHA256,
        ),
    ];
    for (h, d, alg, verifier) in cases {
        let digest = hash(d);
        let signature = s
            .sign_authentication(
                SignInput::Digest {
                    hash: h,
                    digest: &digest,
                },
                alg,
            )
            .unwrap();
        assert_eq!(signature.raw().len(), 256);
        assert!(
            ok(verifier, &spki, &signature.to_standard()),
            "{h:?} {alg:?}"
        );
    }
}

#[test]
fn authentication_key_every_algorithm_18() {
    let mut card = open(Profile::Applet18Citizen);
    let spki = spki(&mut card, FileId::AuthenticationCertificate);
    let mut s = card.session().unwrap();
    s.verify_pin(&Pin::new("1234").unwrap())
        .unwrap()
        .into_result()
        .unwrap();
    let cases: [(
        HashAlgorithm,
        &'static digest::Algorithm,
        &'static dyn VerificationAlgorithm,
    ); 3] = [
        (
            HashAlgorithm::Sha384,
            &digest::SHA384,
            &sig::ECDSA_P384_SHA384_ASN1,
        ),
        (
            HashAlgorithm::Sha256,
            &digest::SHA256,
            &sig::ECDSA_P384_SHA256_ASN1,
        ),
        (
            HashAlgorithm::Sha512,
            &digest::SHA512,
            &sig::ECDSA_P384_SHA512_ASN1,
        ),
    ];
    for (h, d, verifier) in cases {
        let digest = hash(d);
        let signature = s
            .sign_authentication(
                SignInput::Digest {
                    hash: h,
                    digest: &digest,
                },
                None,
            )
            .unwrap();
        assert_eq!(signature.raw().len(), 96, "plain r ‖ s");
        assert!(ok(verifier, &spki, &signature.to_standard()), "{h:?}");
        if h == HashAlgorithm::Sha384 {
            assert!(ok(&sig::ECDSA_P384_SHA384_FIXED, &spki, signature.raw()));
        }
    }
    // Raw ECDSA (algorithm 40) over a SHA-384 digest.
    let digest = hash(&digest::SHA384);
    let raw = s
        .sign_authentication(SignInput::RawEcdsa(&digest), None)
        .unwrap();
    assert_eq!(
        raw.algorithm(),
        SignatureAlgorithm::Ecdsa(EcdsaAlgorithm::Raw)
    );
    assert!(ok(&sig::ECDSA_P384_SHA384_FIXED, &spki, raw.raw()));
}

#[test]
fn authentication_without_pin_is_refused_typed() {
    let mut card = open(Profile::Applet18Citizen);
    let mut s = card.session().unwrap();
    let digest = hash(&digest::SHA384);
    let e = s
        .sign_authentication(
            SignInput::Digest {
                hash: HashAlgorithm::Sha384,
                digest: &digest,
            },
            None,
        )
        .unwrap_err();
    assert!(matches!(e, Error::Pin(PinError::NotVerified)), "{e:?}");
}

#[test]
fn non_repudiation_one_call_both_generations() {
    for (profile, verifier, d, h) in [
        (
            Profile::Applet17Citizen,
            &sig::RSA_PKCS1_2048_8192_SHA256 as &'static dyn VerificationAlgorithm,
            &digest::SHA256,
            HashAlgorithm::Sha256,
        ),
        (
            Profile::Applet18Citizen,
            &sig::ECDSA_P384_SHA384_ASN1,
            &digest::SHA384,
            HashAlgorithm::Sha384,
        ),
    ] {
        let mut card = open(profile);
        let spki = spki(&mut card, FileId::NonRepudiationCertificate);
        let mut s = card.session().unwrap();
        let pin = Pin::new("1234").unwrap();
        let digest = hash(d);
        let input = SignInput::Digest {
            hash: h,
            digest: &digest,
        };
        let signature = s.non_repudiation(&pin).sign(input, None).unwrap();
        assert!(ok(verifier, &spki, &signature.to_standard()));
        // A second one needs (and sends) its own VERIFY.
        let again = s.non_repudiation(&pin).sign(input, None).unwrap();
        assert!(ok(verifier, &spki, &again.to_standard()));
        // Wrong PIN: typed, no signature, one try spent.
        let wrong = Pin::new("1111").unwrap();
        let e = s.non_repudiation(&wrong).sign(input, None).unwrap_err();
        assert!(
            matches!(e, Error::Pin(PinError::Wrong { tries_left: 2 })),
            "{e:?}"
        );
    }
}

#[test]
fn apdu_economy() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let mut card = open(profile);
        let generation = card.generation();
        let (h, d) = if generation == Generation::Applet18 {
            (HashAlgorithm::Sha384, &digest::SHA384)
        } else {
            (HashAlgorithm::Sha256, &digest::SHA256)
        };
        let digest = hash(d);
        let input = SignInput::Digest {
            hash: h,
            digest: &digest,
        };
        let mut s = card.session().unwrap();
        s.verify_pin(&Pin::new("1234").unwrap()).unwrap();
        let count = |s: &beid::card::Session<'_, VirtualCard>| s.card().apdu_count();
        let before = count(&s);
        s.sign_authentication(input, None).unwrap();
        assert_eq!(count(&s) - before, 3, "MSE:SET + PSO:CDS + GET RESPONSE");
        let before = count(&s);
        s.sign_authentication(input, None).unwrap();
        assert_eq!(count(&s) - before, 2, "PSO:CDS + GET RESPONSE, no MSE:SET");
        let before = count(&s);
        s.non_repudiation(&Pin::new("1234").unwrap())
            .sign(input, None)
            .unwrap();
        assert_eq!(
            count(&s) - before,
            4,
            "MSE:SET + VERIFY + PSO:CDS + GET RESPONSE (eid-mw: same)"
        );
        let before = count(&s);
        s.sign_authentication(input, None).unwrap();
        assert_eq!(count(&s) - before, 3, "key changed: MSE:SET again");
    }
}

#[test]
fn reset_between_verify_and_pso_gives_no_signature() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let mut vc = profile.card().unwrap();
        // open = 2 APDUs; MSE:SET = 3, VERIFY = 4, PSO:CDS = 5.
        let mut faults = Faults::new();
        faults.reset_at_apdu(5);
        vc.set_faults(faults);
        let mut card = BeidCard::open(vc).unwrap();
        let g = card.generation();
        let (h, d) = if g.is_ec() {
            (HashAlgorithm::Sha384, &digest::SHA384)
        } else {
            (HashAlgorithm::Sha256, &digest::SHA256)
        };
        let digest = hash(d);
        let mut s = card.session().unwrap();
        let e = s
            .non_repudiation(&Pin::new("1234").unwrap())
            .sign(
                SignInput::Digest {
                    hash: h,
                    digest: &digest,
                },
                None,
            )
            .unwrap_err();
        assert!(
            matches!(e, Error::Transport(TransportError::CardReset)),
            "{e:?}"
        );
    }
}

#[test]
fn caller_mistakes_are_argument_errors_before_any_apdu() {
    let mut card = open(Profile::Applet18Citizen);
    let mut s = card.session().unwrap();
    let before = s.card().apdu_count();
    let e = s
        .sign_authentication(
            SignInput::Digest {
                hash: HashAlgorithm::Sha256,
                digest: &[0; 31],
            },
            None,
        )
        .unwrap_err();
    assert!(matches!(e, Error::Argument(_)), "{e:?}");
    let e = s
        .sign_authentication(
            SignInput::Digest {
                hash: HashAlgorithm::Sha256,
                digest: &[0; 32],
            },
            Some(SignatureAlgorithm::Rsa(RsaAlgorithm::Pkcs1Sha256)),
        )
        .unwrap_err();
    assert!(matches!(e, Error::Argument(_)), "{e:?}");
    assert_eq!(s.card().apdu_count(), before);
}

/// The default verifier of each generation's default algorithm.
fn default_verifier(g: Generation) -> &'static dyn VerificationAlgorithm {
    if g.is_ec() {
        &sig::ECDSA_P384_SHA384_ASN1
    } else {
        &sig::RSA_PKCS1_2048_8192_SHA256
    }
}

#[test]
fn a_message_is_hashed_by_the_library_and_the_signature_carries_its_certificate() {
    use beid::vocab::KeyReference;
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let mut card = open(profile);
        let g = card.generation();
        let pin = Pin::new("1234").unwrap();
        let mut s = card.session().unwrap();
        let cert = s
            .signing_certificate(KeyReference::Authentication)
            .unwrap()
            .expect("a citizen card has an authentication certificate");
        let before = s.card().apdu_count();
        assert!(
            s.signing_certificate(KeyReference::Authentication)
                .unwrap()
                .is_some()
        );
        assert_eq!(s.card().apdu_count(), before, "kept, not read again");
        s.verify_pin(&pin).unwrap();
        let input = SignInput::Message {
            hash: None,
            message: MSG,
        };
        let signature = s.sign_authentication(input, None).unwrap();
        let attached = signature.certificate().expect("attached");
        assert_eq!(attached.der(), cert.der());
        assert!(ok(
            default_verifier(g),
            attached.subject_public_key_info_der(),
            &signature.to_standard()
        ));
        // Non-repudiation with an explicit hash; its certificate was never read: not attached.
        let (hash, verifier): (_, &'static dyn VerificationAlgorithm) = if g.is_ec() {
            (HashAlgorithm::Sha256, &sig::ECDSA_P384_SHA256_ASN1)
        } else {
            (HashAlgorithm::Sha512, &sig::RSA_PKCS1_2048_8192_SHA512)
        };
        let input = SignInput::Message {
            hash: Some(hash),
            message: MSG,
        };
        let signature = s.non_repudiation(&pin).sign(input, None).unwrap();
        assert!(signature.certificate().is_none());
        drop(s);
        let spki = spki(&mut card, FileId::NonRepudiationCertificate);
        assert!(ok(verifier, &spki, &signature.to_standard()), "{profile}");
        // MD5 is refused before any APDU.
        let mut s = card.session().unwrap();
        let before = s.card().apdu_count();
        let md5 = SignInput::Message {
            hash: Some(HashAlgorithm::Md5),
            message: MSG,
        };
        assert!(matches!(
            s.sign_authentication(md5, None),
            Err(Error::Argument(_))
        ));
        assert_eq!(s.card().apdu_count(), before);
    }
}

#[test]
fn mixed_mode_of_spec_8_9_through_the_library() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let mut card = open(profile);
        let pin = Pin::new("1234").unwrap();
        let input = SignInput::Message {
            hash: None,
            message: MSG,
        };
        let mut s = card.session().unwrap();
        // `Verify, Sign(nonrep), Sign(auth)`: the VERIFY was the non-repudiation one — KO.
        s.non_repudiation(&pin).sign(input, None).unwrap();
        let e = s.sign_authentication(input, None).unwrap_err();
        assert!(matches!(e, Error::Pin(PinError::NotVerified)), "{e:?}");
        // `Verify, Verify, Sign(nonrep), Sign(auth)`: OK.
        assert_eq!(s.verify_pin(&pin).unwrap(), PinOutcome::Verified);
        s.non_repudiation(&pin).sign(input, None).unwrap();
        s.sign_authentication(input, None).unwrap();
        // A second non-repudiation signature needs its own VERIFY: the one-shot value does it.
        s.non_repudiation(&pin).sign(input, None).unwrap();
    }
}

#[test]
fn the_card_refuses_a_non_repudiation_signature_without_its_verify() {
    use beid::apdu::Command;
    use beid::vocab::KeyReference;
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let mut card = open(profile);
        let g = card.generation();
        let algorithm = SignatureAlgorithm::for_digest(g, HashAlgorithm::default_for(g)).unwrap();
        let dtbs = vec![0x5A; HashAlgorithm::default_for(g).digest_len()];
        let attempt = |card: &mut BeidCard<VirtualCard>| {
            let ch = card.channel();
            let mse = ch
                .transmit(&Command::mse_set(
                    algorithm.reference(),
                    KeyReference::NonRepudiation,
                ))
                .unwrap();
            assert_eq!(mse.sw().0, 0x9000);
            ch.transmit(&Command::pso_compute_digital_signature(&dtbs).unwrap())
                .unwrap()
                .sw()
                .0
        };
        // No VERIFY at all.
        assert_eq!(attempt(&mut card), 0x6982, "{profile}: no PIN");
        // A PIN verified earlier in the session (for authentication), then a file read: the
        // VERIFY is no longer "just before" (spec §8.9).
        card.session()
            .unwrap()
            .verify_pin(&Pin::new("1234").unwrap())
            .unwrap();
        card.read_file(FileId::TokenInfo).unwrap();
        assert_eq!(
            attempt(&mut card),
            0x6982,
            "{profile}: VERIFY not just before"
        );
        // The authentication key is still usable with that VERIFY ("PIN once").
        let mut s = card.session().unwrap();
        let input = SignInput::Message {
            hash: None,
            message: MSG,
        };
        s.sign_authentication(input, None).unwrap();
    }
}

#[test]
fn unblock_sends_the_puk_once_and_reports_the_card_s_answer() {
    use beid::Puk;
    use beid::error::CardError;
    // Validated before any APDU.
    assert!(Puk::new("12345", "6789a").is_err());
    assert!(
        Puk::new("1234567", "123456").is_err(),
        "more than 12 digits"
    );
    assert_eq!(
        format!("{:?}", Puk::new("111111", "222222").unwrap()),
        "Puk(<redacted>)"
    );
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let vc = profile.builder().blocked_pin().build().unwrap();
        let mut card = BeidCard::open(vc).unwrap();
        let before = card.apdu_count();
        let mut s = card.session().unwrap();
        let e = s
            .unblock_pin(&Puk::new("111111", "222222").unwrap())
            .unwrap_err();
        // The citizen's card refuses: unblocking is an administrative operation (spec §8.5).
        assert!(
            matches!(
                e,
                Error::Card(CardError::Status { sw, .. }) if sw.0 == 0x6982
            ),
            "{e:?}"
        );
        drop(s);
        assert_eq!(card.apdu_count() - before, 1, "sent once");
        assert_eq!(
            card.channel().transport().pin_tries_left(),
            0,
            "still blocked"
        );
    }
}
