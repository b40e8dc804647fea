//! Verification against the simulator: a clean card passes every check, each content fault
//! fails exactly the checks it should and no other, on both generations (spec §7, §12.2).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

use beid::error::{Check, VerificationFailure};
use beid::verify::{self, NotApplicable, Outcome, Policy, TrustStore};
use beid::{BeidCard, Generation};
use beid_simulator::keys::KeyFamily;
use beid_simulator::{Profile, TestPki, VirtualCardBuilder};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn family(profile: Profile) -> KeyFamily {
    if profile
        .builder()
        .build_image()
        .is_ok_and(|i| i.generation.is_ec())
    {
        KeyFamily::Ec
    } else {
        KeyFamily::Rsa
    }
}

fn test_trust(profile: Profile) -> TrustStore {
    let pki = TestPki::standard(family(profile)).expect("test PKI");
    TrustStore::empty()
        .with_root(pki.root_certificate_der())
        .expect("test root parses")
}

fn failed(builder: VirtualCardBuilder, trust: &TrustStore) -> BTreeSet<Check> {
    let mut card = BeidCard::open(builder.build().expect("card builds")).expect("opens");
    let contents = card.read_all().expect("reads");
    let report = verify::verify_live(&mut card, &contents, trust, now()).expect("verifies");
    report.failures().map(|f| f.check()).collect()
}

const CITIZENS: [Profile; 2] = [Profile::Applet17Citizen, Profile::Applet18Citizen];

#[test]
fn clean_cards_pass_every_check() {
    for profile in Profile::ALL {
        let trust = test_trust(profile);
        let mut card = BeidCard::open(profile.card().expect("card")).expect("opens");
        let contents = card.read_all().expect("reads");
        let report = verify::verify_live(&mut card, &contents, &trust, now()).expect("verifies");
        for r in report.results() {
            assert!(
                !r.outcome.is_failed(),
                "{profile:?}: {:?} {}",
                r.check,
                r.reason()
            );
        }
        assert!(report.satisfies(&Policy::strict()), "{profile:?}");
        assert!(report.root().is_some());
        let ec = card.generation().is_ec();
        assert_eq!(
            report.outcome(Check::ChipChallenge).is_passed(),
            ec,
            "{profile:?}: chip challenge runs on 1.8 only"
        );
        // Offline, the chip challenge is not performed: strict is not satisfied on 1.8.
        let offline = contents.verify(&trust, now());
        if ec {
            assert_eq!(
                offline.outcome(Check::ChipChallenge),
                Outcome::NotApplicable(NotApplicable::NeedsCard)
            );
            assert!(!offline.satisfies(&Policy::strict()));
        }
        assert!(offline.satisfies(&Policy::offline()), "{profile:?}");
        assert!(offline.into_result(&Policy::offline()).is_ok());
    }
}

#[test]
fn kids_cards_have_no_holder_chains() {
    for profile in [Profile::Applet17Kids, Profile::Applet18Kids] {
        let contents = BeidCard::open(profile.card().expect("card"))
            .and_then(|mut c| c.read_all())
            .expect("reads");
        let report = contents.verify(&test_trust(profile), now());
        for check in [
            Check::AuthenticationChain,
            Check::NonRepudiationChain,
            Check::NationalNumber,
        ] {
            assert_eq!(
                report.outcome(check),
                Outcome::NotApplicable(NotApplicable::NoCertificate),
                "{profile:?} {check:?}"
            );
        }
    }
}

#[test]
fn each_fault_fails_exactly_its_checks() {
    type Fault = fn(VirtualCardBuilder) -> VirtualCardBuilder;
    let table: [(&str, Fault, &[Check], &[Check]); 8] = [
        // name, fault, failing checks on 1.7, failing checks on 1.8
        (
            "tampered identity",
            VirtualCardBuilder::tampered_identity,
            &[Check::IdentitySignature],
            &[Check::IdentitySignature],
        ),
        (
            "tampered address",
            VirtualCardBuilder::tampered_address,
            &[Check::AddressSignature],
            &[Check::AddressSignature],
        ),
        (
            "swapped photo",
            VirtualCardBuilder::swapped_photo,
            &[Check::PhotoHash],
            &[Check::PhotoHash],
        ),
        (
            "cloned chip",
            VirtualCardBuilder::cloned_chip,
            &[],
            &[Check::ChipChallenge],
        ),
        (
            "expired certificates",
            VirtualCardBuilder::expired_certificates,
            &[Check::AuthenticationChain, Check::NonRepudiationChain],
            &[Check::AuthenticationChain, Check::NonRepudiationChain],
        ),
        (
            "not yet valid certificates",
            VirtualCardBuilder::not_yet_valid_certificates,
            &[Check::AuthenticationChain, Check::NonRepudiationChain],
            &[Check::AuthenticationChain, Check::NonRepudiationChain],
        ),
        (
            "wrong RRN key",
            VirtualCardBuilder::wrong_rrn_key,
            &[Check::IdentitySignature, Check::AddressSignature],
            &[Check::IdentitySignature, Check::AddressSignature],
        ),
        (
            "foreign root",
            VirtualCardBuilder::foreign_root,
            &[
                Check::RrnChain,
                Check::AuthenticationChain,
                Check::NonRepudiationChain,
            ],
            &[
                Check::RrnChain,
                Check::AuthenticationChain,
                Check::NonRepudiationChain,
            ],
        ),
    ];
    for profile in CITIZENS {
        let trust = test_trust(profile);
        let ec = family(profile) == KeyFamily::Ec;
        for (name, fault, on17, on18) in table {
            let expected: BTreeSet<Check> = if ec { on18 } else { on17 }.iter().copied().collect();
            let got = failed(fault(profile.builder()), &trust);
            assert_eq!(got, expected, "{profile:?}, {name}");
        }
    }
}

#[test]
fn failure_reasons_are_precise() {
    for profile in CITIZENS {
        let trust = test_trust(profile);
        let read = |b: VirtualCardBuilder| {
            BeidCard::open(b.build().expect("builds"))
                .and_then(|mut c| c.read_all())
                .expect("reads")
        };
        let report = read(profile.builder().swapped_photo()).verify(&trust, now());
        assert!(matches!(
            report.outcome(Check::PhotoHash),
            Outcome::Failed(VerificationFailure::HashMismatch { .. })
        ));
        let report = read(profile.builder().expired_certificates()).verify(&trust, now());
        assert!(matches!(
            report.outcome(Check::AuthenticationChain),
            Outcome::Failed(VerificationFailure::Expired { .. })
        ));
        let report = read(profile.builder().not_yet_valid_certificates()).verify(&trust, now());
        assert!(matches!(
            report.outcome(Check::NonRepudiationChain),
            Outcome::Failed(VerificationFailure::NotYetValid { .. })
        ));
        let err = report
            .into_result(&Policy::offline())
            .expect_err("policy not satisfied");
        assert!(err.to_string().contains("not valid before"), "{err}");
    }
}

#[test]
fn unpinned_root_names_its_fingerprint() {
    for profile in CITIZENS {
        let contents = BeidCard::open(profile.card().expect("card"))
            .and_then(|mut c| c.read_all())
            .expect("reads");
        let root = contents.root_certificate().expect("card has a root");
        let fp = verify::fingerprint(root.der());
        // The Belgian store does not trust the simulator's test root.
        let report = contents.verify(&TrustStore::belgian(), now());
        for check in [
            Check::RrnChain,
            Check::AuthenticationChain,
            Check::NonRepudiationChain,
        ] {
            assert_eq!(
                report.outcome(check),
                Outcome::Failed(VerificationFailure::UnknownRoot { fingerprint: fp }),
                "{profile:?} {check:?}"
            );
        }
        let hex: String = fp.iter().map(|b| format!("{b:02x}")).collect();
        let text = report.failures().next().expect("fails").to_string();
        assert!(text.contains(&hex), "{text}");
        // Signatures-only policy still holds: the data itself is genuine.
        assert!(report.satisfies(&Policy::signatures_only()));
        // Trusting the root by fingerprint alone is enough (its bytes come from the card).
        let by_fp = TrustStore::empty().with_fingerprint("test root", fp);
        assert!(contents.verify(&by_fp, now()).satisfies(&Policy::offline()));
    }
}

#[test]
fn low_level_functions_on_raw_files() {
    use beid::FileId;
    for profile in CITIZENS {
        let contents = BeidCard::open(profile.card().expect("card"))
            .and_then(|mut c| c.read_all())
            .expect("reads");
        let raw = contents.raw();
        let f = |id| raw.file(id).unwrap_or(&[]);
        verify::identity_signature(
            f(FileId::Identity),
            f(FileId::IdentitySignature),
            f(FileId::RrnCertificate),
        )
        .expect("identity signature");
        verify::address_signature(
            f(FileId::Address),
            f(FileId::AddressSignature),
            f(FileId::IdentitySignature),
            f(FileId::RrnCertificate),
        )
        .expect("address signature");
        verify::photo(f(FileId::Identity), f(FileId::Photo)).expect("photo");
        // One flipped byte anywhere in the identity file breaks the signature.
        let mut identity = f(FileId::Identity).to_vec();
        identity[5] ^= 0x01;
        let err = verify::identity_signature(
            &identity,
            f(FileId::IdentitySignature),
            f(FileId::RrnCertificate),
        )
        .expect_err("tampered");
        assert!(matches!(
            err,
            beid::Error::Verification(e) if e.check() == Check::IdentitySignature
        ));
        // The untrimmed address (padding kept) is not what the RRN signed... unless there is
        // no padding; with only the DER part of an EC identity signature it fails too.
        let sig = f(FileId::IdentitySignature);
        let cut = &sig[..sig.len() - 1];
        assert!(
            verify::address_signature(
                f(FileId::Address),
                f(FileId::AddressSignature),
                cut,
                f(FileId::RrnCertificate),
            )
            .is_err()
        );
        // Garbage certificate: a malformed-certificate failure, not a panic.
        let err = verify::identity_signature(f(FileId::Identity), sig, &[0x30, 0x03, 1, 2, 3])
            .expect_err("bad cert");
        assert!(matches!(
            err,
            beid::Error::Verification(e)
                if matches!(e.failure(), VerificationFailure::Malformed(_))
        ));
        let _ = Generation::Applet18;
    }
}

#[test]
fn chains_are_memoized_per_trust_store() {
    let profile = Profile::Applet18Citizen;
    let trust = test_trust(profile);
    let contents = BeidCard::open(profile.card().expect("card"))
        .and_then(|mut c| c.read_all())
        .expect("reads");
    assert_eq!(trust.memoized(), 0);
    let first = contents.verify(&trust, now());
    let links = trust.memoized();
    assert!(links >= 4, "root→CA, CA→auth, CA→nonrep, root→RRN: {links}");
    let second = contents.verify(&trust.clone(), now());
    assert_eq!(trust.memoized(), links);
    assert_eq!(first, second);
}

#[test]
fn a_server_re_verifies_serialized_contents() {
    for profile in CITIZENS {
        let trust = test_trust(profile);
        let contents = BeidCard::open(profile.card().expect("card"))
            .and_then(|mut c| c.read_all())
            .expect("reads");
        let json = serde_json::to_string(&contents).expect("serializes");
        let restored: beid::CardContents = serde_json::from_str(&json).expect("deserializes");
        let at = now();
        assert_eq!(restored.verify(&trust, at), contents.verify(&trust, at));
        // A client that changes a byte of the serialized identity file cannot pass it off.
        let tampered = BeidCard::open(profile.builder().tampered_identity().build().expect("b"))
            .and_then(|mut c| c.read_all())
            .expect("reads");
        let json = serde_json::to_string(&tampered).expect("serializes");
        let restored: beid::CardContents = serde_json::from_str(&json).expect("deserializes");
        assert!(
            restored
                .verify(&trust, at)
                .outcome(Check::IdentitySignature)
                .is_failed()
        );
        // The report serializes with stable names.
        let report = serde_json::to_value(contents.verify(&trust, at)).expect("report json");
        assert_eq!(report["checks"][0]["check"], "identity_signature");
        assert_eq!(report["checks"][0]["status"], "pass");
        assert_eq!(report["passed"], true);
    }
}
