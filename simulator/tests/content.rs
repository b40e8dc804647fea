//! The virtual card's content, checked against the `beid` parsers and two independent
//! verifiers (aws-lc-rs and the `openssl` CLI; the openssl checks are skipped when the binary
//! is missing).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use aws_lc_rs::signature::{self, UnparsedPublicKey};
use beid::files::{
    Address, BasicPublicKey, CardData, Certificate, DocumentType, Identity, Photo, TokenInfo,
    WorkPermit,
};
use beid::{FileId, Generation};
use beid_simulator::keys::{HashAlg, KeyFamily, SigningKey, TestKeyRole, test_key};
use beid_simulator::pki::{CertValidity, IssuingCa, TestPki, test_roots_pem, to_pem};
use beid_simulator::{CardImage, Profile, SimulatorError, VirtualCardBuilder};
use der::Decode;

fn file(image: &CardImage, id: FileId) -> &[u8] {
    image
        .files
        .get(&id)
        .map(|f| f.as_slice())
        .unwrap_or_else(|| panic!("{id} missing"))
}

/// The certificate DER inside a zero-padded certificate file.
fn cert_der(image: &CardImage, id: FileId) -> Vec<u8> {
    Certificate::parse_file(id, file(image, id))
        .unwrap()
        .der()
        .to_vec()
}

/// The raw subjectPublicKey of a certificate.
fn cert_public_key(der: &[u8]) -> Vec<u8> {
    let cert = x509_cert::Certificate::from_der(der).unwrap();
    cert.tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes()
        .to_vec()
}

/// The DER signature at the start of a zero-padded EC signature file ("length = 2 + second
/// byte", spec §7.2).
fn ec_der_part(sig_file: &[u8]) -> &[u8] {
    assert_eq!(sig_file[0], 0x30);
    &sig_file[..2 + sig_file[1] as usize]
}

fn trimmed(address: &[u8]) -> &[u8] {
    let end = address.iter().rposition(|&b| b != 0).unwrap() + 1;
    &address[..end]
}

/// Verify identity and address signatures with aws-lc-rs and the key of the card's RRN
/// certificate (spec §7.2, §7.3). Returns (identity ok, address ok).
fn verify_rrn_signatures(image: &CardImage) -> (bool, bool) {
    let rrn = cert_der(image, FileId::RrnCertificate);
    let pk = cert_public_key(&rrn);
    let identity = file(image, FileId::Identity);
    let id_sig = file(image, FileId::IdentitySignature);
    let address = file(image, FileId::Address);
    let addr_sig = file(image, FileId::AddressSignature);
    let mut addr_input = trimmed(address).to_vec();
    addr_input.extend_from_slice(id_sig);
    if image.generation.is_ec() {
        let key = UnparsedPublicKey::new(&signature::ECDSA_P384_SHA384_ASN1, &pk);
        (
            key.verify(identity, ec_der_part(id_sig)).is_ok(),
            key.verify(&addr_input, ec_der_part(addr_sig)).is_ok(),
        )
    } else {
        let key = UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &pk);
        (
            key.verify(identity, id_sig).is_ok(),
            key.verify(&addr_input, addr_sig).is_ok(),
        )
    }
}

fn openssl_available() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn write(dir: &Path, name: &str, data: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p.to_str().unwrap().to_owned()
}

fn openssl(args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl").args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// PEM public key of a certificate, via openssl.
fn openssl_pubkey(dir: &Path, cert_pem: &str, name: &str) -> String {
    let out = dir.join(name).to_str().unwrap().to_owned();
    let (ok, text) = openssl(&["x509", "-in", cert_pem, "-pubkey", "-noout", "-out", &out]);
    assert!(ok, "{text}");
    out
}

/// A moment inside every profile's certificate validity (2027-06-01T00:00:00Z).
const AT_TIME: &str = "1811808000";

// ---------------------------------------------------------------------------------------------

#[test]
fn every_profile_builds_and_every_file_parses() {
    for profile in Profile::ALL {
        let image = profile.image().unwrap();
        assert_eq!(image.generation, profile.generation());
        let ec = image.generation.is_ec();

        let identity = Identity::parse(file(&image, FileId::Identity)).unwrap();
        let address = Address::parse(file(&image, FileId::Address)).unwrap();
        assert_eq!(file(&image, FileId::Address).len(), 117);
        assert!(!address.street_and_number().is_empty());
        let card_data = CardData::parse(&image.card_data).unwrap();
        assert_eq!(card_data.generation(), image.generation);
        let token_info = TokenInfo::parse(file(&image, FileId::TokenInfo)).unwrap();
        Photo::parse(file(&image, FileId::Photo)).unwrap();
        for id in [
            FileId::CaCertificate,
            FileId::RootCertificate,
            FileId::RrnCertificate,
        ] {
            let c = Certificate::parse_file(id, file(&image, id)).unwrap();
            let pad = if ec { 1100 } else { 50 };
            assert_eq!(c.file_len(), c.der().len() + pad, "{profile} {id}");
        }

        // Serial consistency: GET CARD DATA = TokenInfo = identity tag 02 (spec §9.2).
        assert_eq!(Ok(card_data.serial()), token_info.serial(), "{profile}");
        assert_eq!(identity.chip_number(), &card_data.serial()[..], "{profile}");
        assert_eq!(&card_data.serial()[..6], b"SLIN3f");

        // Photo hash by generation (spec §7.4).
        let photo = file(&image, FileId::Photo);
        let expected = if ec {
            HashAlg::Sha384.hash(photo).unwrap()
        } else {
            HashAlg::Sha256.hash(photo).unwrap()
        };
        assert_eq!(identity.photo_hash(), &expected[..], "{profile}");

        // Basic key file and tag 1A on 1.8 (spec §7.5).
        if ec {
            let puk = file(&image, FileId::BasicPublicKey);
            assert_eq!(puk.len(), 120);
            let parsed = BasicPublicKey::parse(puk).unwrap();
            assert!(parsed.is_p384());
            assert_eq!(
                identity.basic_key_hash().unwrap(),
                &HashAlg::Sha384.hash(puk).unwrap()[..]
            );
            assert_eq!(image.atr.len(), 20);
        } else {
            assert!(!image.files.contains_key(&FileId::BasicPublicKey));
            assert!(identity.basic_key_hash().is_none());
            assert_eq!(
                image.atr,
                [
                    0x3B, 0x98, 0x13, 0x40, 0x0A, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x11
                ]
            );
        }
        assert!(image.keys.basic.is_some());

        // Signatures verify (aws-lc-rs, key from the RRN certificate).
        assert_eq!(verify_rrn_signatures(&image), (true, true), "{profile}");

        // Identity file: ascending tags, every value < 128 bytes, no tag 00, no padding.
        let raw = file(&image, FileId::Identity);
        let mut last = 0u8;
        let mut end = 0;
        for t in beid::tlv::iter(raw) {
            let t = t.unwrap();
            assert!(t.tag > last, "{profile}: tags ascending");
            assert!(t.value.len() < 128);
            last = t.tag;
            end = t.value_offset + t.value.len();
        }
        assert_eq!(
            end,
            raw.len(),
            "{profile}: no padding after the identity TLVs"
        );
        let id_sig_len = file(&image, FileId::IdentitySignature).len();
        assert_eq!(id_sig_len, 256);
        assert_eq!(file(&image, FileId::AddressSignature).len(), 256);
        assert_eq!(image.pin_tries_left, 3);
    }
}

#[test]
fn profiles_have_their_documented_shape() {
    let kids = Profile::Applet17Kids.image().unwrap();
    let id = Identity::parse(file(&kids, FileId::Identity)).unwrap();
    assert_eq!(id.document_type().unwrap(), DocumentType::KidsCard);
    assert!(kids.keys.authentication.is_none() && kids.keys.non_repudiation.is_none());
    assert_eq!(
        file(&kids, FileId::AuthenticationCertificate),
        &[0u8; 1300][..]
    );
    assert_eq!(
        file(&kids, FileId::NonRepudiationCertificate),
        &[0u8; 1300][..]
    );
    // CDF reduced case (b): starts with the CA entry (spec §11.7).
    assert_eq!(&file(&kids, FileId::Cdf)[..2], &[0x30, 0x23]);
    let kids18 = Profile::Applet18Kids.image().unwrap();
    assert_eq!(
        file(&kids18, FileId::AuthenticationCertificate),
        &[0u8; 2500][..]
    );
    let id18 = Identity::parse(file(&kids18, FileId::Identity)).unwrap();
    assert_eq!(id18.sex().unwrap().code().as_str(), "W");
    assert!(
        id18.birth_date_raw().contains("MÄR"),
        "{}",
        id18.birth_date_raw()
    );

    let b = Profile::Applet17Foreigner.image().unwrap();
    let id = Identity::parse(file(&b, FileId::Identity)).unwrap();
    assert_eq!(id.document_type().unwrap(), DocumentType::ForeignerB);
    assert_eq!(id.work_permit(), Some(WorkPermit::LimitedLabourMarket));
    assert_eq!(id.employer_vat_1(), Some("0123.456.749"));
    assert!(id.card_number().unwrap().as_str().starts_with('B'));
    assert!(id.card_number().unwrap().check_digits_valid());
    let ca =
        Certificate::parse_file(FileId::CaCertificate, file(&b, FileId::CaCertificate)).unwrap();
    assert_eq!(
        ca.subject_common_name().as_deref(),
        Some("TEST Foreigner CA")
    );

    let eu = Profile::Applet18Foreigner.image().unwrap();
    let id = Identity::parse(file(&eu, FileId::Identity)).unwrap();
    assert_eq!(id.document_type().unwrap(), DocumentType::ForeignerEuPlus);
    assert_eq!(id.eu_start_date().unwrap().to_string(), "01.02.2015");

    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let image = profile.image().unwrap();
        let id = Identity::parse(file(&image, FileId::Identity)).unwrap();
        assert!(id.national_number().unwrap().check_digits_valid());
        assert!(id.card_number().unwrap().check_digits_valid());
        let nn = id.national_number().unwrap();
        for (fid, suffix) in [
            (FileId::AuthenticationCertificate, "(Authentication)"),
            (FileId::NonRepudiationCertificate, "(Signature)"),
        ] {
            let c = Certificate::parse_file(fid, file(&image, fid)).unwrap();
            let cn = c.subject_common_name().unwrap();
            assert!(cn.ends_with(suffix), "{cn}");
            assert!(cn.contains(id.surname()), "{cn}");
            assert_eq!(c.holder_national_number(), Some(nn));
            assert_eq!(c.subject_surname().as_deref(), Some(id.surname()));
        }
        let key_kind = image.keys.authentication.as_ref().unwrap().kind();
        assert_eq!(key_kind.is_ec(), image.generation.is_ec());
    }
}

#[test]
fn profile_images_are_shared_clones() {
    let a = Profile::Applet18Citizen.image().unwrap();
    let b = Profile::Applet18Citizen.image().unwrap();
    for (id, data) in &a.files {
        assert!(Arc::ptr_eq(data, &b.files[id]), "{id} is shared");
    }
    assert!(Arc::ptr_eq(
        a.keys.authentication.as_ref().unwrap(),
        b.keys.authentication.as_ref().unwrap()
    ));
}

#[test]
fn builder_is_deterministic_and_seeded() {
    let build = |seed| {
        VirtualCardBuilder::new(Generation::Applet17)
            .seed(seed)
            .build_image()
            .unwrap()
    };
    let a = build(5);
    let b = build(5);
    for (id, data) in &a.files {
        assert_eq!(data, &b.files[id], "{id} deterministic on 1.7");
    }
    let c = build(6);
    assert_ne!(a.card_data, c.card_data);
    assert_ne!(file(&a, FileId::Identity), file(&c, FileId::Identity));
}

#[test]
fn builder_fields_reach_the_identity_file() {
    let image = VirtualCardBuilder::new(Generation::Applet18)
        .surname("Peeters")
        .given_names("Jan Maria")
        .third_name_initial("K")
        .birth_date_ymd(2004, 2, 29)
        .sex(beid::files::Sex::Male)
        .nationality("Belg")
        .duplicate("01")
        .member_of_family(true)
        .employer_vat_2("0987.654.312")
        .regional_file_number("RF123")
        .brexit_mention_1(beid::files::BrexitMention::Article18Agreement)
        .card_a_mention_1(beid::files::CardAMention::Student)
        .extra_tag(0x25, b"future".to_vec())
        .chip_serial(*b"SLIN3f\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09")
        .address("Kerkstraat 1 bus 2", "2000", "Antwerpen")
        .pin("987654")
        .pin_tries_left(2)
        .build_image()
        .unwrap();
    let id = Identity::parse(file(&image, FileId::Identity)).unwrap();
    assert_eq!(id.surname(), "Peeters");
    assert_eq!(id.given_names(), "Jan Maria");
    assert_eq!(id.first_letter_of_third_given_name(), Some("K"));
    assert_eq!(id.birth_date_raw(), "29 FEB 2004");
    let nn = id.national_number().unwrap();
    assert!(nn.reveal().starts_with("040229"));
    assert!(nn.check_digits_valid());
    assert_eq!(nn.sequence() % 2, 1);
    assert_eq!(id.duplicate(), Some("01"));
    assert!(id.member_of_family());
    assert_eq!(id.employer_vat_2(), Some("0987.654.312"));
    assert_eq!(id.regional_file_number(), Some("RF123"));
    assert!(id.brexit_mention_1().is_some());
    assert!(id.card_a_mention_1().is_some());
    assert_eq!(
        id.unknown_tags().collect::<Vec<_>>(),
        vec![(0x25, &b"future"[..])]
    );
    assert_eq!(
        &image.card_data[..16],
        b"SLIN3f\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09"
    );
    let address = Address::parse(file(&image, FileId::Address)).unwrap();
    assert_eq!(address.street_and_number(), "Kerkstraat 1 bus 2");
    assert_eq!(image.pin_tries_left, 2);
    assert_eq!(image.pin.len(), 6);
    assert_eq!(verify_rrn_signatures(&image), (true, true));
}

#[test]
fn reduced_certificate_cases() {
    let image = VirtualCardBuilder::new(Generation::Applet18)
        .non_repudiation_certificate(false)
        .build_image()
        .unwrap();
    assert!(image.keys.non_repudiation.is_none());
    assert!(image.keys.authentication.is_some());
    assert_eq!(
        file(&image, FileId::NonRepudiationCertificate),
        &[0u8; 2500][..]
    );
    let cdf = file(&image, FileId::Cdf);
    assert_eq!(&cdf[..2], &[0x30, 0x2F]);
    assert_eq!(
        &cdf[0x31..0x33],
        &[0x30, 0x26],
        "CA entry follows Authentication"
    );
    // Entries, then an even number of zero bytes (eid-mw reads padding as `00 00` items).
    let used = 0x31 + 0x28 + 0x2A;
    assert!(cdf[used..].iter().all(|&b| b == 0));
    assert_eq!((cdf.len() - used) % 2, 0);
    assert!(cdf.len() >= 0xAF);
}

// ---- faults -------------------------------------------------------------------------------

#[test]
fn tampered_files_fail_verification_but_parse() {
    for generation in [Generation::Applet17, Generation::Applet18] {
        let image = VirtualCardBuilder::new(generation)
            .tampered_identity()
            .build_image()
            .unwrap();
        Identity::parse(file(&image, FileId::Identity)).unwrap();
        // The identity signature fails; the address signature covers SGN#ID, not the identity,
        // so it still verifies.
        assert_eq!(verify_rrn_signatures(&image), (false, true), "{generation}");

        let image = VirtualCardBuilder::new(generation)
            .tampered_address()
            .build_image()
            .unwrap();
        Address::parse(file(&image, FileId::Address)).unwrap();
        assert_eq!(verify_rrn_signatures(&image), (true, false), "{generation}");

        let image = VirtualCardBuilder::new(generation)
            .wrong_rrn_key()
            .build_image()
            .unwrap();
        assert_eq!(
            verify_rrn_signatures(&image),
            (false, false),
            "{generation}"
        );
    }
}

#[test]
fn swapped_photo_is_a_jpeg_that_does_not_match() {
    let image = VirtualCardBuilder::new(Generation::Applet18)
        .swapped_photo()
        .build_image()
        .unwrap();
    let photo = file(&image, FileId::Photo);
    Photo::parse(photo).unwrap();
    let id = Identity::parse(file(&image, FileId::Identity)).unwrap();
    assert_ne!(id.photo_hash(), &HashAlg::Sha384.hash(photo).unwrap()[..]);
    assert_eq!(verify_rrn_signatures(&image), (true, true));
}

#[test]
fn cloned_chip_fails_the_challenge() {
    let challenge = HashAlg::Sha384.hash(b"nonce").unwrap();
    for (cloned, expect) in [(false, true), (true, false)] {
        let mut b = VirtualCardBuilder::new(Generation::Applet18);
        if cloned {
            b = b.cloned_chip();
        }
        let image = b.build_image().unwrap();
        // EF(PuK#1) still matches tag 1A.
        let puk = file(&image, FileId::BasicPublicKey);
        let id = Identity::parse(file(&image, FileId::Identity)).unwrap();
        assert_eq!(
            id.basic_key_hash().unwrap(),
            &HashAlg::Sha384.hash(puk).unwrap()[..]
        );
        // The card signs the challenge with its basic key (INTERNAL AUTHENTICATE, spec §7.5);
        // the verifier hashes "nonce" itself, so the challenge is SHA-384(nonce).
        let sig = image
            .keys
            .basic
            .as_ref()
            .unwrap()
            .sign_ecdsa_digest(&challenge)
            .unwrap();
        let spki = spki::SubjectPublicKeyInfoRef::from_der(puk).unwrap();
        let ok = UnparsedPublicKey::new(
            &signature::ECDSA_P384_SHA384_FIXED,
            spki.subject_public_key.raw_bytes(),
        )
        .verify(b"nonce", &sig)
        .is_ok();
        assert_eq!(ok, expect, "cloned = {cloned}");
    }
}

#[test]
fn blocked_pin_and_input_errors() {
    let image = VirtualCardBuilder::new(Generation::Applet17)
        .blocked_pin()
        .build_image()
        .unwrap();
    assert_eq!(image.pin_tries_left, 0);
    assert!(matches!(
        VirtualCardBuilder::new(Generation::Applet17)
            .street("x".repeat(200))
            .build_image(),
        Err(SimulatorError::InvalidInput {
            field: "street",
            ..
        })
    ));
}

// ---- openssl as an independent verifier ---------------------------------------------------

#[test]
fn openssl_verifies_signatures_and_chains() {
    if !openssl_available() {
        eprintln!("openssl not found: skipping");
        return;
    }
    for profile in Profile::ALL {
        let image = profile.image().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let pem = |id: FileId| to_pem(&cert_der(&image, id)).unwrap();
        let root = write(d, "root.pem", pem(FileId::RootCertificate).as_bytes());
        let ca = write(d, "ca.pem", pem(FileId::CaCertificate).as_bytes());
        let rrn = write(d, "rrn.pem", pem(FileId::RrnCertificate).as_bytes());
        let rrn_pub = openssl_pubkey(d, &rrn, "rrn-pub.pem");

        // Identity signature (spec §7.2).
        let identity = write(d, "identity", file(&image, FileId::Identity));
        let id_sig_file = file(&image, FileId::IdentitySignature);
        let (dgst, id_sig) = if image.generation.is_ec() {
            ("-sha384", ec_der_part(id_sig_file))
        } else {
            ("-sha256", id_sig_file)
        };
        let sig = write(d, "identity.sig", id_sig);
        let (ok, text) = openssl(&[
            "dgst",
            dgst,
            "-verify",
            &rrn_pub,
            "-signature",
            &sig,
            &identity,
        ]);
        assert!(ok, "{profile}: identity signature: {text}");

        // Address signature over trimmed address ‖ complete SGN#ID (spec §7.3).
        let mut input = trimmed(file(&image, FileId::Address)).to_vec();
        input.extend_from_slice(id_sig_file);
        let input = write(d, "address-input", &input);
        let addr_sig_file = file(&image, FileId::AddressSignature);
        let addr_sig = if image.generation.is_ec() {
            ec_der_part(addr_sig_file)
        } else {
            addr_sig_file
        };
        let sig = write(d, "address.sig", addr_sig);
        let (ok, text) = openssl(&[
            "dgst",
            dgst,
            "-verify",
            &rrn_pub,
            "-signature",
            &sig,
            &input,
        ]);
        assert!(ok, "{profile}: address signature: {text}");

        // Chains: root → RRN, root → CA → holder certificates.
        let (ok, text) = openssl(&["verify", "-attime", AT_TIME, "-CAfile", &root, &rrn]);
        assert!(ok, "{profile}: RRN chain: {text}");
        let (ok, text) = openssl(&["verify", "-attime", AT_TIME, "-CAfile", &root, &ca]);
        assert!(ok, "{profile}: CA chain: {text}");
        for id in [
            FileId::AuthenticationCertificate,
            FileId::NonRepudiationCertificate,
        ] {
            if image.files[&id].iter().all(|&b| b == 0) {
                continue;
            }
            let holder = write(d, "holder.pem", pem(id).as_bytes());
            let (ok, text) = openssl(&[
                "verify",
                "-attime",
                AT_TIME,
                "-CAfile",
                &root,
                "-untrusted",
                &ca,
                &holder,
            ]);
            assert!(ok, "{profile}: {id} chain: {text}");
            let (_, text) = openssl(&["x509", "-in", &holder, "-noout", "-text"]);
            if id == FileId::NonRepudiationCertificate {
                assert!(text.contains("Non Repudiation"), "{text}");
                assert!(
                    text.contains("0.4.0.1862.1.1") || text.contains("qcStatements"),
                    "{text}"
                );
                assert!(text.contains("2.16.56.12.1.1.2.1"), "{text}");
            } else {
                assert!(text.contains("Digital Signature"), "{text}");
                assert!(text.contains("2.16.56.12.1.1.2.2"), "{text}");
            }
            assert!(text.contains("http://crl.test.invalid/"), "{text}");
            assert!(
                text.contains("OCSP - URI:http://ocsp.test.invalid/"),
                "{text}"
            );
            assert!(
                text.contains("CA Issuers - URI:http://certs.test.invalid/"),
                "{text}"
            );
            let expected_sig = if image.generation.is_ec() {
                "ecdsa-with-SHA384"
            } else {
                "sha256WithRSAEncryption"
            };
            assert!(text.contains(expected_sig), "{text}");
        }
    }
}

#[test]
fn openssl_rejects_the_certificate_faults() {
    if !openssl_available() {
        eprintln!("openssl not found: skipping");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let std_root = write(
        d,
        "std-root.pem",
        TestPki::standard(KeyFamily::Ec)
            .unwrap()
            .root_certificate_pem()
            .unwrap()
            .as_bytes(),
    );
    let chain = |image: &CardImage, root: &str, at: Option<&str>| {
        let ca = write(
            d,
            "ca.pem",
            to_pem(&cert_der(image, FileId::CaCertificate))
                .unwrap()
                .as_bytes(),
        );
        let holder = write(
            d,
            "holder.pem",
            to_pem(&cert_der(image, FileId::AuthenticationCertificate))
                .unwrap()
                .as_bytes(),
        );
        let mut args = vec!["verify", "-CAfile", root, "-untrusted", &ca];
        if let Some(t) = at {
            args.extend(["-attime", t]);
        }
        args.push(&holder);
        openssl(&args)
    };

    // Foreign root: fails against the standard root, passes against its own.
    let foreign = VirtualCardBuilder::new(Generation::Applet18)
        .foreign_root()
        .build_image()
        .unwrap();
    let (ok, _) = chain(&foreign, &std_root, Some(AT_TIME));
    assert!(!ok, "foreign root must not chain to the standard root");
    let own_root = write(
        d,
        "own-root.pem",
        to_pem(&cert_der(&foreign, FileId::RootCertificate))
            .unwrap()
            .as_bytes(),
    );
    let (ok, text) = chain(&foreign, &own_root, Some(AT_TIME));
    assert!(ok, "{text}");

    // Expired and not-yet-valid holder certificates (checked at the current time).
    let expired = VirtualCardBuilder::new(Generation::Applet18)
        .expired_certificates()
        .build_image()
        .unwrap();
    let (ok, text) = chain(&expired, &std_root, None);
    assert!(!ok && text.contains("expired"), "{text}");
    let future = VirtualCardBuilder::new(Generation::Applet18)
        .not_yet_valid_certificates()
        .build_image()
        .unwrap();
    let (ok, text) = chain(&future, &std_root, None);
    assert!(!ok && text.contains("not yet valid"), "{text}");

    // Explicit validity.
    let explicit = VirtualCardBuilder::new(Generation::Applet18)
        .certificate_validity(CertValidity::days((2027, 1, 1), (2027, 12, 31)))
        .build_image()
        .unwrap();
    let (ok, text) = chain(&explicit, &std_root, Some(AT_TIME));
    assert!(ok, "{text}");
}

#[test]
fn openssl_verifies_card_signing_operations() {
    if !openssl_available() {
        eprintln!("openssl not found: skipping");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pub_pem = |key: &SigningKey, name: &str| {
        let der = write(d, &format!("{name}.der"), &key.public_key_spki_der());
        let out = d.join(format!("{name}.pem")).to_str().unwrap().to_owned();
        let (ok, text) = openssl(&[
            "pkey", "-pubin", "-inform", "DER", "-in", &der, "-out", &out,
        ]);
        assert!(ok, "{text}");
        out
    };

    // RSA, algorithm 01 "card pads": arbitrary data comes back from verify-recover.
    let rsa = test_key(KeyFamily::Rsa, TestKeyRole::Authentication).unwrap();
    let rsa_pub = pub_pem(&rsa, "rsa");
    let data = b"arbitrary data, not a DigestInfo";
    let sig = write(d, "raw.sig", &rsa.sign_pkcs1_v15_raw(data).unwrap());
    let out = d.join("recovered").to_str().unwrap().to_owned();
    let (ok, text) = openssl(&[
        "pkeyutl",
        "-verifyrecover",
        "-pubin",
        "-inkey",
        &rsa_pub,
        "-in",
        &sig,
        "-out",
        &out,
    ]);
    assert!(ok, "{text}");
    assert_eq!(std::fs::read(&out).unwrap(), data);

    // RSA PKCS#1 v1.5 with SHA-1 and MD5-free DigestInfo paths, PSS with SHA-1 (algorithm 10)
    // and SHA-256 (algorithm 20).
    let msg = write(d, "msg", b"message to sign");
    for (hash, name) in [(HashAlg::Sha1, "sha1"), (HashAlg::Sha224, "sha224")] {
        let digest = hash.hash(b"message to sign").unwrap();
        let sig = write(
            d,
            "p1.sig",
            &rsa.sign_pkcs1_v15_digest(hash, &digest).unwrap(),
        );
        let (ok, text) = openssl(&[
            "dgst",
            &format!("-{name}"),
            "-verify",
            &rsa_pub,
            "-signature",
            &sig,
            &msg,
        ]);
        assert!(ok, "PKCS#1 {name}: {text}");
    }
    for (hash, name) in [(HashAlg::Sha1, "sha1"), (HashAlg::Sha256, "sha256")] {
        let digest = hash.hash(b"message to sign").unwrap();
        let sig = write(d, "pss.sig", &rsa.sign_pss_digest(hash, &digest).unwrap());
        let (ok, text) = openssl(&[
            "dgst",
            &format!("-{name}"),
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            &format!("rsa_pss_saltlen:{}", hash.output_len()),
            "-verify",
            &rsa_pub,
            "-signature",
            &sig,
            &msg,
        ]);
        assert!(ok, "PSS {name}: {text}");
    }

    // EC: a raw 48-byte challenge and a 32-byte digest, signed as hashes (spec §7.5, §8.7).
    let ec = test_key(KeyFamily::Ec, TestKeyRole::Basic).unwrap();
    let ec_pub = pub_pem(&ec, "ec");
    for len in [48usize, 32, 20] {
        let challenge: Vec<u8> = (0..len as u8).collect();
        let rs = ec.sign_ecdsa_digest(&challenge).unwrap();
        assert_eq!(rs.len(), 96);
        let der = beid_simulator::keys::ecdsa_fixed_to_der(&rs).unwrap();
        let sig = write(d, "ec.sig", &der);
        let input = write(d, "challenge", &challenge);
        let (ok, text) = openssl(&[
            "pkeyutl", "-verify", "-pubin", "-inkey", &ec_pub, "-in", &input, "-sigfile", &sig,
        ]);
        assert!(ok, "ECDSA over a {len}-byte digest: {text}");
    }
}

#[test]
fn exported_roots() {
    let pem = test_roots_pem().unwrap();
    assert_eq!(pem.matches("-----BEGIN CERTIFICATE-----").count(), 2);
    let rsa = TestPki::standard(KeyFamily::Rsa).unwrap();
    let c = Certificate::parse(rsa.root_certificate_der()).unwrap();
    assert!(c.subject_common_name().unwrap().contains("TEST Root CA"));
    let ec = TestPki::standard(KeyFamily::Ec).unwrap();
    let ca = Certificate::parse(ec.ca_certificate_der(IssuingCa::Citizen)).unwrap();
    assert_eq!(ca.subject_common_name().as_deref(), Some("TEST Citizen CA"));
    assert_eq!(ca.subject_serial_number().as_deref(), Some("202602"));
}
