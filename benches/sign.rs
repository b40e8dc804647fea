//! Signing through the library's session API (spec §8.7–§8.9): what the host adds per
//! signature, and the whole simulated signature against aws-lc's own.
//!
//! Targets (issue "PIN and signing", see `BENCHMARKS.md`):
//! * host-side overhead per signature, instant transport: ≤ 2 µs — `Session::sign_authentication`
//!   over a transport that answers from memory, minus the same raw exchanges on that transport
//!   (the baseline, measured in the same run, paired);
//! * end-to-end simulated signature through the session ≤ 1.2× aws-lc raw sign of the same
//!   digest with the same key (paired);
//! * APDUs per signature per key and generation, printed next to eid-mw's count (spec §8.9,
//!   §13.1: MSE:SET → [VERIFY] → PSO:CDS, plus GET RESPONSE on T=0).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, EcdsaKeyPair, RsaKeyPair};
use beid::card::SignInput;
use beid::transport::{Transport, TransportResult};
use beid::vocab::HashAlgorithm;
use beid::{BeidCard, Pin};
use beid_simulator::{Profile, VirtualCard};
use criterion::{Criterion, criterion_group};

#[path = "support/paired.rs"]
#[allow(dead_code)]
mod support;
use support::paired;

/// Passes through to the simulator until armed; then answers every command from the answers
/// the simulator gave to that instruction (an instant card: no crypto, no state).
struct InstantCard {
    inner: VirtualCard,
    armed: bool,
    canned: HashMap<u8, Vec<u8>>,
}

impl Transport for InstantCard {
    fn transmit(&mut self, command: &[u8], response: &mut Vec<u8>) -> TransportResult {
        let ins = command.get(1).copied().unwrap_or(0);
        if self.armed {
            if let Some(r) = self.canned.get(&ins) {
                response.clear();
                response.extend_from_slice(r);
                return Ok(());
            }
        }
        self.inner.transmit(command, response)?;
        self.canned.insert(ins, response.clone());
        Ok(())
    }
    fn atr(&self) -> Option<&[u8]> {
        Transport::atr(&self.inner)
    }
    fn reset(&mut self) -> TransportResult {
        Transport::reset(&mut self.inner)
    }
}

struct Case {
    name: &'static str,
    profile: Profile,
    hash: HashAlgorithm,
    raw: Raw,
}

enum Raw {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

impl Raw {
    fn sign(&self, message: &[u8], out: &mut Vec<u8>) {
        out.clear();
        match self {
            Raw::Rsa(k) => {
                out.resize(k.public_modulus_len(), 0);
                k.sign(
                    &signature::RSA_PKCS1_SHA256,
                    &SystemRandom::new(),
                    message,
                    out,
                )
                .unwrap();
            }
            Raw::Ec(k) => {
                let s = k.sign(&SystemRandom::new(), message).unwrap();
                out.extend_from_slice(s.as_ref());
            }
        }
    }
}

fn cases() -> [Case; 2] {
    [
        Case {
            name: "rsa2048_applet17",
            profile: Profile::Applet17Citizen,
            hash: HashAlgorithm::Sha256,
            raw: Raw::Rsa(
                RsaKeyPair::from_pkcs8(include_bytes!("../simulator/assets/keys/rsa-auth-1.pk8"))
                    .unwrap(),
            ),
        },
        Case {
            name: "p384_applet18",
            profile: Profile::Applet18Citizen,
            hash: HashAlgorithm::Sha384,
            raw: Raw::Ec(
                EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                    include_bytes!("../simulator/assets/keys/ec-auth-1.pk8"),
                )
                .unwrap(),
            ),
        },
    ]
}

/// An authentication signature's APDUs, and a non-repudiation one's, on a fresh card.
fn apdu_counts(case: &Case, digest: &[u8]) -> (u64, u64, u64) {
    let mut card = BeidCard::open(case.profile.card().unwrap()).unwrap();
    let pin = Pin::new("1234").unwrap();
    let input = SignInput::Digest {
        hash: case.hash,
        digest,
    };
    let mut s = card.session().unwrap();
    s.verify_pin(&pin).unwrap();
    let count = |s: &beid::card::Session<'_, VirtualCard>| s.card().apdu_count();
    let before = count(&s);
    s.sign_authentication(input, None).unwrap();
    let first = count(&s) - before;
    let before = count(&s);
    s.sign_authentication(input, None).unwrap();
    let next = count(&s) - before;
    let before = count(&s);
    s.non_repudiation(&pin).sign(input, None).unwrap();
    (first, next, count(&s) - before)
}

fn session_sign(c: &mut Criterion) {
    let message = b"criterion: the same message for every signature";
    for case in cases() {
        let digest = aws_lc_rs::digest::digest(
            if case.hash == HashAlgorithm::Sha384 {
                &aws_lc_rs::digest::SHA384
            } else {
                &aws_lc_rs::digest::SHA256
            },
            message,
        );
        let digest = digest.as_ref().to_vec();
        let input = SignInput::Digest {
            hash: case.hash,
            digest: &digest,
        };
        let (first, next, nonrep) = apdu_counts(&case, &digest);
        println!(
            "APDUS {}: authentication {first} (MSE:SET + PSO:CDS + GET RESPONSE; eid-mw: MSE:SET + PSO:CDS + GET RESPONSE = 3), \
             next authentication {next} (eid-mw: 3, it sends MSE:SET every time), \
             non-repudiation {nonrep} (MSE:SET + VERIFY + PSO:CDS + GET RESPONSE; eid-mw: 4)",
            case.name
        );
        assert_eq!((first, next, nonrep), (3, 2, 4));

        // The simulator, through the session API.
        let mut sim = BeidCard::open(case.profile.card().unwrap()).unwrap();
        {
            let mut s = sim.session().unwrap();
            s.verify_pin(&Pin::new("1234").unwrap()).unwrap();
            s.sign_authentication(input, None).unwrap();
        }
        // The instant card: record the simulator's answers, then answer from memory.
        let mut instant = BeidCard::open(InstantCard {
            inner: case.profile.card().unwrap(),
            armed: false,
            canned: HashMap::new(),
        })
        .unwrap();
        {
            let mut s = instant.session().unwrap();
            s.verify_pin(&Pin::new("1234").unwrap()).unwrap();
            s.sign_authentication(input, None).unwrap();
        }
        instant.channel().transport_mut().armed = true;
        // The baseline's own instant card, with the same answers.
        let mut raw = InstantCard {
            inner: case.profile.card().unwrap(),
            armed: true,
            canned: instant.channel().transport().canned.clone(),
        };
        let pso = beid::apdu::Command::pso_compute_digital_signature(&digest).unwrap();
        let get_response =
            beid::apdu::Command::get_response(if case.profile == Profile::Applet18Citizen {
                96
            } else {
                256
            });

        let mut g = c.benchmark_group(format!("session_sign/{}", case.name));
        g.sample_size(30);
        g.bench_function("baseline_instant_transport_raw_exchanges", |b| {
            let mut r = Vec::with_capacity(300);
            b.iter(|| {
                raw.transmit(black_box(pso.as_bytes()), &mut r).unwrap();
                raw.transmit(black_box(get_response.as_bytes()), &mut r)
                    .unwrap();
                black_box(r.len())
            })
        });
        g.bench_function("session_sign_authentication_instant_transport", |b| {
            b.iter(|| {
                let mut s = instant.session().unwrap();
                black_box(
                    s.sign_authentication(black_box(input), None)
                        .unwrap()
                        .raw()
                        .len(),
                )
            })
        });
        g.bench_function("baseline_aws_lc_sign", |b| {
            let mut out = Vec::with_capacity(256);
            b.iter(|| {
                case.raw.sign(black_box(message), &mut out);
                black_box(out.len())
            })
        });
        g.bench_function("session_sign_authentication_simulator", |b| {
            b.iter(|| {
                let mut s = sim.session().unwrap();
                black_box(
                    s.sign_authentication(black_box(input), None)
                        .unwrap()
                        .raw()
                        .len(),
                )
            })
        });
        g.finish();

        let mut r = Vec::with_capacity(300);
        let (_, _, _) = paired(
            &format!(
                "session_sign/{} host overhead: session API vs raw exchanges, instant transport",
                case.name
            ),
            31,
            2000,
            || {
                raw.transmit(pso.as_bytes(), &mut r).unwrap();
                raw.transmit(get_response.as_bytes(), &mut r).unwrap();
                black_box(r.len());
            },
            || {
                let mut s = instant.session().unwrap();
                black_box(s.sign_authentication(input, None).unwrap().raw().len());
            },
        );
        let mut out = Vec::with_capacity(256);
        // aws-lc hashes the message too: give the session the same work (SignInput::Message).
        let msg_input = SignInput::Message {
            hash: Some(case.hash),
            message,
        };
        paired(
            &format!(
                "session_sign/{} simulated signature (message) vs aws-lc sign",
                case.name
            ),
            31,
            if matches!(case.raw, Raw::Rsa(_)) {
                10
            } else {
                20
            },
            || {
                case.raw.sign(message, &mut out);
                black_box(out.len());
            },
            || {
                let mut s = sim.session().unwrap();
                black_box(s.sign_authentication(msg_input, None).unwrap().raw().len());
            },
        );
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = session_sign
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
