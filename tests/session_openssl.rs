//! Every signing algorithm of both generations, with both keys, through the library's session
//! API, each signature checked by an independent implementation — the `openssl` command line —
//! against the public key of the certificate read from the card (spec §8.7, §8.8).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use beid::card::SignInput;
use beid::vocab::{EcdsaAlgorithm, HashAlgorithm, RsaAlgorithm, SignatureAlgorithm};
use beid::{BeidCard, Certificate, FileId, Pin};
use beid_simulator::Profile;

const MESSAGE: &[u8] = b"a document signed with the Belgian eID, checked by openssl";

#[path = "support/openssl.rs"]
mod support;
use support::{Scratch, cert_pubkey, openssl};

/// `openssl dgst -<hash> -verify pub [-sigopt …] -signature sig data`.
fn verified(s: &Scratch, key: &Path, hash: &str, pss: bool, signature: &[u8]) -> bool {
    let data = s.write("data", MESSAGE);
    let sig = s.write("sig", signature);
    let mut args = vec![
        "dgst".to_owned(),
        format!("-{hash}"),
        "-verify".to_owned(),
        key.to_str().unwrap().to_owned(),
    ];
    if pss {
        for o in ["rsa_padding_mode:pss", "rsa_pss_saltlen:digest"] {
            args.push("-sigopt".to_owned());
            args.push(o.to_owned());
        }
    }
    args.extend([
        "-signature".to_owned(),
        sig.to_str().unwrap().to_owned(),
        data.to_str().unwrap().to_owned(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = openssl(&args);
    o.status.success() && String::from_utf8_lossy(&o.stdout).contains("Verified OK")
}

fn openssl_name(h: HashAlgorithm) -> &'static str {
    match h {
        HashAlgorithm::Sha1 => "sha1",
        HashAlgorithm::Sha256 => "sha256",
        HashAlgorithm::Sha384 => "sha384",
        HashAlgorithm::Sha512 => "sha512",
        HashAlgorithm::Sha3_256 => "sha3-256",
        HashAlgorithm::Sha3_384 => "sha3-384",
        HashAlgorithm::Sha3_512 => "sha3-512",
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_algorithm_both_keys_both_generations_verified_by_openssl() {
    use HashAlgorithm as H;
    use SignatureAlgorithm as A;
    let rsa = [
        (H::Sha1, A::Rsa(RsaAlgorithm::Pkcs1Sha1), false),
        (H::Sha256, A::Rsa(RsaAlgorithm::Pkcs1Sha256), false),
        (H::Sha384, A::Rsa(RsaAlgorithm::Pkcs1), false),
        (H::Sha512, A::Rsa(RsaAlgorithm::Pkcs1), false),
        (H::Sha1, A::Rsa(RsaAlgorithm::PssSha1), true),
        (H::Sha256, A::Rsa(RsaAlgorithm::PssSha256), true),
    ];
    let ec = [
        (H::Sha256, A::Ecdsa(EcdsaAlgorithm::Sha256), false),
        (H::Sha384, A::Ecdsa(EcdsaAlgorithm::Sha384), false),
        (H::Sha512, A::Ecdsa(EcdsaAlgorithm::Sha512), false),
        (H::Sha3_256, A::Ecdsa(EcdsaAlgorithm::Sha3_256), false),
        (H::Sha3_384, A::Ecdsa(EcdsaAlgorithm::Sha3_384), false),
        (H::Sha3_512, A::Ecdsa(EcdsaAlgorithm::Sha3_512), false),
    ];
    let mut checked = 0;
    for (profile, cases) in [
        (Profile::Applet17Citizen, &rsa[..]),
        (Profile::Applet18Citizen, &ec[..]),
    ] {
        let s = Scratch::new(profile.name());
        let mut card = BeidCard::open(profile.card().unwrap()).unwrap();
        let keys: Vec<PathBuf> = [
            FileId::AuthenticationCertificate,
            FileId::NonRepudiationCertificate,
        ]
        .iter()
        .map(|&f| {
            let cert = Certificate::parse(&card.read_file(f).unwrap()).unwrap();
            cert_pubkey(&s, f.short_name(), cert.der())
        })
        .collect();
        let pin = Pin::new("1234").unwrap();
        let mut session = card.session().unwrap();
        session.verify_pin(&pin).unwrap();
        for &(hash, algorithm, pss) in cases {
            let input = SignInput::Message {
                hash: Some(hash),
                message: MESSAGE,
            };
            let auth = session.sign_authentication(input, Some(algorithm)).unwrap();
            let nonrep = session
                .non_repudiation(&pin)
                .sign(input, Some(algorithm))
                .unwrap();
            for (label, signature, key) in
                [("auth", &auth, &keys[0]), ("nonrep", &nonrep, &keys[1])]
            {
                assert_eq!(signature.algorithm(), algorithm);
                assert!(
                    verified(&s, key, openssl_name(hash), pss, &signature.to_standard()),
                    "{profile} {label} {algorithm:?} with {hash:?}: openssl refuses it"
                );
                checked += 1;
            }
            // The certificate was read: each signature carries its own.
            assert!(auth.certificate().is_some() && nonrep.certificate().is_some());
        }
    }
    assert_eq!(checked, 24);
}
