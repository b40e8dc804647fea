//! Verification: read + full verification of a card (chip challenge included on 1.8) against
//! the sum of the raw aws-lc operations that verification needs, measured side by side (and
//! paired) in one run; plus the cost of a second verification with memoized chains.
//!
//! Target (issue "Verification", `BENCHMARKS.md`): read + verification of a 1.8 card ≤ 1.3×
//! the raw aws-lc operations; the same is reported for 1.7.
//!
//! The raw operations, per card (from the card's own bytes):
//! * 1.8: 6 ECDSA P-384/SHA-384 verifications (identity, address, root→RRN, root→CA, CA→auth,
//!   CA→non-repudiation), SHA-384 of the photo and of EF(PuK#1), the card's signature of the
//!   challenge (the simulator's aws-lc call) and its verification (prehashed);
//! * 1.7: 6 RSA-2048 PKCS#1 verifications and the SHA-256 of the photo.
//!
//! Everything else (reading the 19 files through the simulator, parsing, DER, fingerprints,
//! the report) is the library's overhead.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::hint::black_box;
use std::time::Duration;

use aws_lc_rs::digest;
use aws_lc_rs::signature::{self, UnparsedPublicKey};
use beid::files::Certificate;
use beid::verify::{self, TrustStore};
use beid::{BeidCard, CardContents, FileId};
use beid_simulator::{Profile, TestPki, VirtualCard};
use criterion::{Criterion, criterion_group};

#[path = "support/paired.rs"]
#[allow(dead_code)]
mod support;
use support::paired;

/// The raw `tbsCertificate` and signature of a certificate.
fn tbs_and_sig(cert: &Certificate) -> (Vec<u8>, Vec<u8>) {
    let der = cert.der();
    let hdr = if der[1] & 0x80 != 0 {
        2 + usize::from(der[1] & 0x7F)
    } else {
        2
    };
    let len = beid::files::der_len(&der[hdr..]).unwrap();
    (
        der[hdr..hdr + len].to_vec(),
        cert.inner().signature().raw_bytes().to_vec(),
    )
}

fn point_or_rsa_key(cert: &Certificate) -> Vec<u8> {
    // The BIT STRING content of the SPKI: EC point, or RSAPublicKey DER.
    cert.inner()
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes()
        .to_vec()
}

/// One raw verification: algorithm, key bytes, message, signature.
struct RawVerify {
    alg: &'static dyn signature::VerificationAlgorithm,
    key: Vec<u8>,
    msg: Vec<u8>,
    sig: Vec<u8>,
}

struct RawOps {
    verifies: Vec<RawVerify>,
    hashes: Vec<(&'static digest::Algorithm, Vec<u8>)>,
    /// 1.8: the card's challenge signature (simulator key) and its verification.
    chip: Option<(std::sync::Arc<beid_simulator::SigningKey>, Vec<u8>)>,
}

impl RawOps {
    fn of(profile: Profile, contents: &CardContents) -> RawOps {
        let ec = contents.generation().is_ec();
        let (file_alg, cert_alg): (
            &'static dyn signature::VerificationAlgorithm,
            &'static dyn signature::VerificationAlgorithm,
        ) = if ec {
            (
                &signature::ECDSA_P384_SHA384_ASN1,
                &signature::ECDSA_P384_SHA384_ASN1,
            )
        } else {
            (
                &signature::RSA_PKCS1_2048_8192_SHA256,
                &signature::RSA_PKCS1_2048_8192_SHA256,
            )
        };
        let raw = contents.raw();
        let f = |id| raw.file(id).unwrap().to_vec();
        let rrn = contents.rrn_certificate().unwrap();
        let root = contents.root_certificate().unwrap();
        let ca = contents.ca_certificate().unwrap();
        let strip = |sig: Vec<u8>| -> Vec<u8> {
            if ec {
                let n = usize::from(sig[1]) + 2;
                sig[..n].to_vec()
            } else {
                sig
            }
        };
        let id_sig = f(FileId::IdentitySignature);
        let mut address = f(FileId::Address);
        while address.last() == Some(&0) {
            address.pop();
        }
        address.extend_from_slice(&id_sig);
        let mut verifies = vec![
            RawVerify {
                alg: file_alg,
                key: point_or_rsa_key(rrn),
                msg: f(FileId::Identity),
                sig: strip(id_sig.clone()),
            },
            RawVerify {
                alg: file_alg,
                key: point_or_rsa_key(rrn),
                msg: address,
                sig: strip(f(FileId::AddressSignature)),
            },
        ];
        for (cert, issuer) in [
            (rrn, root),
            (ca, root),
            (contents.authentication_certificate().unwrap(), ca),
            (contents.non_repudiation_certificate().unwrap(), ca),
        ] {
            let (tbs, sig) = tbs_and_sig(cert);
            verifies.push(RawVerify {
                alg: cert_alg,
                key: point_or_rsa_key(issuer),
                msg: tbs,
                sig,
            });
        }
        let photo_alg = match contents.identity().photo_hash().len() {
            20 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            32 => &digest::SHA256,
            _ => &digest::SHA384,
        };
        let mut hashes = vec![(photo_alg, f(FileId::Photo))];
        let chip = if ec {
            hashes.push((&digest::SHA384, f(FileId::BasicPublicKey)));
            let image = profile.image().unwrap();
            let key = image.keys.basic.clone().unwrap();
            Some((
                key,
                contents
                    .basic_public_key()
                    .unwrap()
                    .uncompressed_point()
                    .unwrap()
                    .to_vec(),
            ))
        } else {
            None
        };
        for v in &verifies {
            UnparsedPublicKey::new(v.alg, &v.key)
                .verify(&v.msg, &v.sig)
                .expect("baseline verification holds");
        }
        RawOps {
            verifies,
            hashes,
            chip,
        }
    }

    fn run(&self) {
        for v in &self.verifies {
            black_box(UnparsedPublicKey::new(v.alg, &v.key).verify(&v.msg, &v.sig)).unwrap();
        }
        for (alg, data) in &self.hashes {
            black_box(digest::digest(alg, data));
        }
        if let Some((key, point)) = &self.chip {
            let challenge = [0x5Au8; 48];
            let rs = key.sign_ecdsa_digest(&challenge).unwrap();
            let d = digest::Digest::import_less_safe(&challenge, &digest::SHA384).unwrap();
            UnparsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, point)
                .verify_digest(&d, &rs)
                .unwrap();
        }
    }
}

fn setup(profile: Profile) -> (BeidCard<VirtualCard>, CardContents, Vec<u8>) {
    let mut card = BeidCard::open(profile.card().unwrap()).unwrap();
    let contents = card.read_all().unwrap();
    let family = if contents.generation().is_ec() {
        beid_simulator::keys::KeyFamily::Ec
    } else {
        beid_simulator::keys::KeyFamily::Rsa
    };
    let root = TestPki::standard(family)
        .unwrap()
        .root_certificate_der()
        .to_vec();
    (card, contents, root)
}

fn verification(c: &mut Criterion) {
    for (name, profile) in [
        ("applet-1.8", Profile::Applet18Citizen),
        ("applet-1.7", Profile::Applet17Citizen),
    ] {
        let (mut card, contents, root) = setup(profile);
        let raw = RawOps::of(profile, &contents);
        let fresh = || TrustStore::empty().with_root(&root).unwrap();
        let warm = fresh();
        let mut calls = 0u32;
        let mut read_verify = |store: &TrustStore| {
            // A real card answers at most 5000 INTERNAL AUTHENTICATEs between two VERIFYs
            // (spec §7.5) and the simulator does the same: take a fresh card now and then
            // (microseconds, once per 4000 calls).
            calls += 1;
            if calls % 4000 == 0 {
                card = BeidCard::open(profile.card().unwrap()).unwrap();
            }
            let contents = card.read_all().unwrap();
            let report = verify::verify_live(&mut card, &contents, store, 1_800_000_000).unwrap();
            assert!(report.failures().next().is_none());
            black_box(report);
        };
        read_verify(&warm);

        let mut g = c.benchmark_group(format!("verify/{name}"));
        g.bench_function("baseline_aws_lc_raw_ops", |b| b.iter(|| raw.run()));
        g.bench_function("read_and_verify_fresh_store", |b| {
            b.iter(|| read_verify(&fresh()))
        });
        g.bench_function("read_and_verify_memoized_chains", |b| {
            b.iter(|| read_verify(&warm))
        });
        g.bench_function("verify_offline_memoized", |b| {
            b.iter(|| black_box(contents.verify(&warm, 1_800_000_000)))
        });
        g.finish();

        paired(
            &format!("verify/{name} read+verify (fresh store) vs raw aws-lc ops"),
            21,
            20,
            || raw.run(),
            || read_verify(&fresh()),
        );
        paired(
            &format!("verify/{name} read+verify (memoized chains) vs raw aws-lc ops"),
            21,
            20,
            || raw.run(),
            || read_verify(&warm),
        );
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = verification
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
