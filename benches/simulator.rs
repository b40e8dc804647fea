//! The simulator and the read path: PSO:CDS through the whole APDU stack, a full card read
//! through the in-process transport, and building cards.
//!
//! Every group has a baseline measured in the same run, and the ratios that matter are also
//! measured *paired* (baseline and candidate alternate in short rounds, the median of the
//! per-round ratios is printed), because these machines are noisy and shared: a ratio measured
//! this way is far more stable than two absolute times taken seconds apart.
//!
//! Targets (see `BENCHMARKS.md`):
//! * simulated PSO:CDS signature ≤ 1.2× aws-lc's own signature of the same digest with the same
//!   key (RSA-2048 PKCS#1 v1.5 SHA-256 on applet 1.7, ECDSA P-384 SHA-384 on applet 1.8);
//! * full read of every file of a card through the in-process transport ≤ 30 µs, with the
//!   APDU count equal to the minimum (same formula as `tests/read_simulator.rs`);
//! * a card from a ready profile ≤ 100 µs once the profile is warm.
//!
//! The paired measurements run with every invocation of the group (a criterion name filter
//! does not skip them). `BEID_BENCH_CALLGRIND=<case>[:<n>]` replaces criterion by a
//! fixed-count loop for `valgrind --tool=callgrind` (see `callgrind_mode`).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::hint::black_box;
use std::time::Duration;

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, KeyPair, RsaKeyPair, UnparsedPublicKey, VerificationAlgorithm,
};
use beid::apdu::{AlgorithmReference, Command, KeyReference};
use beid::transport::{Channel, Transport};
use beid::{BeidCard, Generation, Pin, RawCardContents};
use beid_simulator::{HashAlg, Profile, VirtualCard, VirtualCardBuilder};
use criterion::{BatchSize, Criterion, criterion_group};

// -------------------------------------------------------------------------------------------
// Paired ratio measurement

#[path = "support/paired.rs"]
#[allow(dead_code)]
mod support;
use support::paired;

// -------------------------------------------------------------------------------------------
// 1. PSO:CDS through the library and the simulator vs aws-lc's raw sign

/// What the baseline signs with: the same PKCS#8 key the simulator's profile uses, loaded
/// directly into aws-lc, and the exact aws-lc call the simulator makes (spec §8.8):
/// `RsaKeyPair::sign_digest(RSA_PKCS1_SHA256, …)` for 1.7 algorithm `08`,
/// `EcdsaKeyPair::sign_digest` (fixed `r ‖ s`) for 1.8 algorithm `02`.
enum RawKey {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

impl RawKey {
    fn sign(&self, digest: &[u8], sig: &mut Vec<u8>) {
        match self {
            RawKey::Rsa(k) => {
                let d = Digest::import_less_safe(digest, &digest::SHA256).unwrap();
                sig.resize(k.public_modulus_len(), 0);
                k.sign_digest(&signature::RSA_PKCS1_SHA256, &d, sig)
                    .unwrap();
            }
            RawKey::Ec(k) => {
                let d = Digest::import_less_safe(digest, &digest::SHA384).unwrap();
                let s = k.sign_digest(&d).unwrap();
                sig.clear();
                sig.extend_from_slice(s.as_ref());
            }
        }
    }

    fn public_key(&self) -> &[u8] {
        match self {
            RawKey::Rsa(k) => k.public_key().as_ref(),
            RawKey::Ec(k) => k.public_key().as_ref(),
        }
    }
}

struct SignCase {
    name: &'static str,
    profile: Profile,
    raw: RawKey,
    hash: HashAlg,
    algorithm: AlgorithmReference,
    verify_alg: &'static dyn VerificationAlgorithm,
}

fn sign_cases() -> [SignCase; 2] {
    [
        SignCase {
            name: "rsa2048_applet17",
            profile: Profile::Applet17Citizen,
            raw: RawKey::Rsa(
                RsaKeyPair::from_pkcs8(include_bytes!("../simulator/assets/keys/rsa-auth-1.pk8"))
                    .unwrap(),
            ),
            hash: HashAlg::Sha256,
            algorithm: AlgorithmReference::RSA_PKCS1_SHA256,
            verify_alg: &signature::RSA_PKCS1_2048_8192_SHA256,
        },
        SignCase {
            name: "p384_applet18",
            profile: Profile::Applet18Citizen,
            raw: RawKey::Ec(
                EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                    include_bytes!("../simulator/assets/keys/ec-auth-1.pk8"),
                )
                .unwrap(),
            ),
            hash: HashAlg::Sha384,
            algorithm: AlgorithmReference::ECDSA_SHA384,
            verify_alg: &signature::ECDSA_P384_SHA384_FIXED,
        },
    ]
}

/// A channel over a fresh profile card with MSE:SET (key `82`) and VERIFY done: from here on
/// every PSO:CDS with the authentication key is authorised ("PIN once", spec §8.9).
fn ready_to_sign(case: &SignCase) -> Channel<VirtualCard> {
    let mut ch = Channel::new(case.profile.card().unwrap());
    let sw = ch
        .transmit_into(
            &Command::mse_set(case.algorithm, KeyReference::Authentication),
            &mut Vec::new(),
        )
        .unwrap();
    assert!(sw.is_success(), "MSE:SET: {sw:?}");
    let pin = Pin::new("1234").unwrap();
    let sw = ch
        .transmit_into(&Command::verify(&pin.block()), &mut Vec::new())
        .unwrap();
    assert!(sw.is_success(), "VERIFY: {sw:?}");
    ch
}

fn pso_cds(c: &mut Criterion) {
    let message = b"criterion: the same digest for every signature";
    for case in sign_cases() {
        let digest = case.hash.hash(message).unwrap();
        let key = case
            .profile
            .image()
            .unwrap()
            .keys
            .authentication
            .clone()
            .unwrap();
        let pso = Command::pso_compute_digital_signature(&digest).unwrap();
        let mut ch = ready_to_sign(&case);

        // Same key on both sides, and both signatures verify (checked once, outside timing).
        let mut raw_sig = Vec::new();
        case.raw.sign(&digest, &mut raw_sig);
        let mut card_sig = Vec::new();
        let before = ch.apdu_count();
        let sw = ch.transmit_into(&pso, &mut card_sig).unwrap();
        let apdus = ch.apdu_count() - before;
        assert!(sw.is_success(), "PSO:CDS: {sw:?}");
        let public = UnparsedPublicKey::new(case.verify_alg, case.raw.public_key().to_vec());
        public.verify(message, &raw_sig).unwrap();
        public.verify(message, &card_sig).unwrap();
        if matches!(case.raw, RawKey::Rsa(_)) {
            assert_eq!(raw_sig, card_sig, "PKCS#1 v1.5 is deterministic");
        }
        println!(
            "{}: {} APDUs per signature (PSO:CDS + GET RESPONSE), signature {} bytes",
            case.name,
            apdus,
            card_sig.len()
        );
        assert_eq!(apdus, 2);

        let mut g = c.benchmark_group(format!("pso_cds/{}", case.name));
        g.sample_size(30);
        g.bench_function("baseline_aws_lc_sign_digest", |b| {
            let mut sig = Vec::with_capacity(256);
            b.iter(|| {
                case.raw.sign(black_box(&digest), &mut sig);
                black_box(sig.len())
            })
        });
        g.bench_function("simulator_signing_key", |b| {
            b.iter(|| {
                let sig = match case.raw {
                    RawKey::Rsa(_) => key.sign_pkcs1_v15_digest(case.hash, black_box(&digest)),
                    RawKey::Ec(_) => key.sign_ecdsa_digest(black_box(&digest)),
                };
                black_box(sig.unwrap().len())
            })
        });
        g.bench_function("apdu_flow_pso_cds_get_response", |b| {
            let mut out = Vec::with_capacity(256);
            b.iter(|| {
                out.clear();
                let sw = ch.transmit_into(black_box(&pso), &mut out).unwrap();
                black_box((sw, out.len()))
            })
        });
        g.finish();

        let mut out = Vec::with_capacity(256);
        let mut sig = Vec::with_capacity(256);
        let iters = if matches!(case.raw, RawKey::Rsa(_)) {
            10
        } else {
            20
        };
        paired(
            &format!("pso_cds/{} apdu flow vs aws-lc sign_digest", case.name),
            31,
            iters,
            || {
                case.raw.sign(black_box(&digest), &mut sig);
                black_box(sig.len());
            },
            || {
                out.clear();
                let sw = ch.transmit_into(black_box(&pso), &mut out).unwrap();
                assert!(sw.is_success());
                black_box(out.len());
            },
        );
    }
}

// -------------------------------------------------------------------------------------------
// 2. Full read through the in-process transport

#[path = "../tests/support/minimum_apdus.rs"]
mod minimum;
use minimum::minimum_apdus;

/// Records every response of the wrapped transport (to build the instant replay below).
struct Recorder<T> {
    inner: T,
    responses: Vec<Vec<u8>>,
}

impl<T: Transport> Transport for Recorder<T> {
    fn transmit(
        &mut self,
        command: &[u8],
        response: &mut Vec<u8>,
    ) -> beid::transport::TransportResult {
        self.inner.transmit(command, response)?;
        self.responses.push(response.clone());
        Ok(())
    }
    fn atr(&self) -> Option<&[u8]> {
        self.inner.atr()
    }
    fn reset(&mut self) -> beid::transport::TransportResult {
        self.inner.reset()
    }
}

/// "Instant transport": answers with the recorded responses in order, without looking at the
/// command. The first `open` responses answer `BeidCard::open`; afterwards the read's
/// responses repeat, so the same opened card can be read again and again. What remains is the
/// library's own cost (planning, T=0 handling, buffers, content checks).
struct Replay {
    atr: Option<Vec<u8>>,
    responses: Vec<Vec<u8>>,
    open: usize,
    next: usize,
}

impl Transport for Replay {
    fn transmit(
        &mut self,
        _command: &[u8],
        response: &mut Vec<u8>,
    ) -> beid::transport::TransportResult {
        if self.next == self.responses.len() {
            self.next = self.open;
        }
        response.clear();
        response.extend_from_slice(&self.responses[self.next]);
        self.next += 1;
        Ok(())
    }
    fn atr(&self) -> Option<&[u8]> {
        self.atr.as_deref()
    }
    fn reset(&mut self) -> beid::transport::TransportResult {
        Ok(())
    }
}

fn replay_of(profile: Profile) -> Replay {
    let card = profile.card().unwrap();
    let atr = Some(card.atr().to_vec());
    let mut opened = BeidCard::open(Recorder {
        inner: card,
        responses: Vec::new(),
    })
    .unwrap();
    let open = opened.apdu_count() as usize;
    opened.read_raw().unwrap();
    let responses = opened.into_transport().responses;
    Replay {
        atr,
        responses,
        open,
        next: 0,
    }
}

fn full_read(c: &mut Criterion) {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let name = match profile.generation() {
            Generation::Applet17 => "applet17",
            _ => "applet18",
        };
        // The APDU count of one read, against the minimum.
        let mut card = BeidCard::open(profile.card().unwrap()).unwrap();
        let before = card.apdu_count();
        let raw = card.read_raw().unwrap();
        let used = card.apdu_count() - before;
        let minimum = minimum_apdus(&raw, profile.generation());
        let total = raw.total_len();
        // A second read of the same opened card costs the same (checked: the benches below
        // re-read one card instead of cloning a card per iteration).
        let before = card.apdu_count();
        assert_eq!(card.read_raw().unwrap(), raw);
        assert_eq!(card.apdu_count() - before, used, "re-read costs the same");
        println!(
            "read/{name}: {} files, {total} bytes, APDUs used {used}, minimum {minimum} ({}), \
             + {} APDUs to open (SELECT applet, GET CARD DATA)",
            raw.files.len(),
            if used == minimum {
                "EQUAL"
            } else {
                "DIFFERENT"
            },
            {
                let fresh = BeidCard::open(profile.card().unwrap()).unwrap();
                fresh.apdu_count()
            }
        );
        assert_eq!(used, minimum, "{name}: APDU count is not the minimum");

        let source: Vec<u8> = raw.files.values().flatten().copied().collect();
        let mut g = c.benchmark_group(format!("read/{name}"));
        g.bench_function("baseline_memcpy_total_len", |b| {
            let mut dst: Vec<u8> = Vec::with_capacity(source.len());
            b.iter(|| {
                dst.clear();
                dst.extend_from_slice(black_box(&source));
                black_box(dst.len())
            })
        });
        g.bench_function("baseline_copy_files_into_fresh_vecs", |b| {
            b.iter(|| {
                let copy: Vec<Vec<u8>> = black_box(&raw).files.values().cloned().collect();
                black_box(copy)
            })
        });
        g.bench_function("read_raw_instant_transport", |b| {
            let mut replayed = BeidCard::open(replay_of(profile)).unwrap();
            assert_eq!(replayed.read_raw().unwrap(), raw);
            b.iter(|| black_box(replayed.read_raw().unwrap()))
        });
        g.bench_function("read_raw_simulator", |b| {
            b.iter(|| black_box(card.read_raw().unwrap()))
        });
        g.bench_function("open_and_read_raw_fresh_card", |b| {
            b.iter_batched(
                || profile.card().unwrap(),
                |vc| black_box(BeidCard::open(vc).unwrap().read_raw().unwrap()),
                BatchSize::SmallInput,
            )
        });
        g.bench_function("read_all_simulator", |b| {
            b.iter(|| black_box(card.read_all().unwrap()))
        });
        g.bench_function("parse_only_from_raw", |b| {
            b.iter_batched(
                || raw.clone(),
                |r| black_box(beid::CardContents::from_raw(r).unwrap()),
                BatchSize::SmallInput,
            )
        });
        g.finish();

        let mut dst: Vec<u8> = Vec::with_capacity(source.len());
        paired(
            &format!("read/{name} read_raw (simulator) vs memcpy of {total} bytes"),
            31,
            200,
            || {
                dst.clear();
                dst.extend_from_slice(black_box(&source));
                black_box(dst.len());
            },
            || {
                black_box(card.read_raw().unwrap());
            },
        );
        let mut replayed = BeidCard::open(replay_of(profile)).unwrap();
        paired(
            &format!("read/{name} read_raw (simulator) vs read_raw (instant transport)"),
            31,
            200,
            || {
                black_box(replayed.read_raw().unwrap());
            },
            || {
                black_box(card.read_raw().unwrap());
            },
        );
    }
}

// -------------------------------------------------------------------------------------------
// 3. Cards from profiles and builders

fn card_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("card");
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let image = profile.image().unwrap(); // warm: built once per process
        let files: Vec<Vec<u8>> = image.files.values().map(|f| f.to_vec()).collect();
        let name = match profile.generation() {
            Generation::Applet17 => "applet17",
            _ => "applet18",
        };
        g.bench_function(format!("{name}/baseline_deep_copy_of_all_files"), |b| {
            b.iter(|| black_box(black_box(&files).clone()))
        });
        g.bench_function(format!("{name}/ready_profile_card"), |b| {
            b.iter(|| black_box(profile.card().unwrap()))
        });
        let mut copy = Vec::new();
        paired(
            &format!("card/{name} ready profile card vs deep copy of its files"),
            31,
            200,
            || {
                copy = black_box(&files).clone();
                black_box(copy.len());
            },
            || {
                black_box(profile.card().unwrap());
            },
        );
    }
    g.finish();

    let mut g = c.benchmark_group("card_builder");
    g.sample_size(10);
    for generation in [Generation::Applet17, Generation::Applet18] {
        let name = match generation {
            Generation::Applet17 => "applet17",
            _ => "applet18",
        };
        let builder = VirtualCardBuilder::new(generation)
            .surname("Peeters")
            .given_names("An Sofie")
            .birth_place("Brugge")
            .birth_date_ymd(1990, 2, 28)
            .address("Markt 1", "8000", "Brugge")
            .seed(42);
        g.bench_function(format!("{name}/custom_card"), |b| {
            b.iter(|| black_box(builder.build().unwrap()))
        });
    }
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = pso_cds, full_read, card_build
}

// -------------------------------------------------------------------------------------------
// Instruction counts (valgrind --tool=callgrind), independent of machine noise

/// The identity file of the spec §4.4 worked example (same bytes as `benches/parse.rs`).
const IDENTITY_HEX: &str = "010c3030303030313234313630300210534c4790025100002239288f12920363030a30352e30372e32303232040a30352e30372e3230333205074272757373656c060b3031303530333939393633070853706563696d656e080c4e6f726120416e67c3a86c6509000a0442454c470b064c657576656e0c0b3033204d454920323030310d01560e000f01311001301120476a2c4072f5fb07642e256d5edfd79c6a675fc69262d327f9979051517b0801";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Runs `f` `n` times. Never inlined, so that callgrind can count exactly the instructions
/// spent below it: `--toggle-collect='*cg_measured*'`.
#[inline(never)]
fn cg_measured(n: u32, f: &mut dyn FnMut()) {
    for _ in 0..n {
        f();
    }
}

/// `BEID_BENCH_CALLGRIND=<case>[:<n>]` runs one case `n` times (default 100) inside
/// [`cg_measured`] instead of criterion. Cases: `identity_parse`, `apdu_encode_decode`,
/// `read_raw_17`, `read_raw_18`, `read_raw_instant_17`, `read_raw_instant_18`, `read_all_17`,
/// `read_all_18`, `parse_all_17`, `parse_all_18`, `profile_card_17`, `pso_cds_p384`,
/// `aws_lc_sign_p384`. Setup happens outside `cg_measured`, e.g.
///
/// ```text
/// BEID_BENCH_CALLGRIND=read_raw_17:100 valgrind --tool=callgrind \
///     --toggle-collect='*cg_measured*' target/release/deps/simulator-<hash>
/// ```
///
/// and divide the `Collected` instruction count by `n`.
fn callgrind_mode(spec: &str) {
    let (case, n) = match spec.split_once(':') {
        Some((c, n)) => (c, n.parse().unwrap()),
        None => (spec, 100u32),
    };
    let profile_of = |case: &str| {
        if case.ends_with("17") {
            Profile::Applet17Citizen
        } else {
            Profile::Applet18Citizen
        }
    };
    match case {
        "identity_parse" => {
            let identity = unhex(IDENTITY_HEX);
            beid::Identity::parse(&identity).unwrap();
            cg_measured(n, &mut || {
                black_box(beid::Identity::parse(black_box(&identity)).unwrap());
            });
        }
        "apdu_encode_decode" => {
            let raw_response: Vec<u8> = [vec![0x5A; 28], vec![0x90, 0x00]].concat();
            cg_measured(n, &mut || {
                let cmd = Command::read_binary(black_box(0x0100), black_box(256));
                let bytes = black_box(cmd.as_bytes());
                let r = beid::apdu::ResponseRef::parse(
                    black_box(&raw_response),
                    beid::CommandKind::ReadBinary,
                )
                .unwrap();
                black_box((bytes.len(), r.sw.status(), r.data.len()));
            });
        }
        "read_raw_17" | "read_raw_18" => {
            let mut card = BeidCard::open(profile_of(case).card().unwrap()).unwrap();
            card.read_raw().unwrap();
            cg_measured(n, &mut || {
                black_box(card.read_raw().unwrap());
            });
        }
        "read_raw_instant_17" | "read_raw_instant_18" => {
            let mut card = BeidCard::open(replay_of(profile_of(case))).unwrap();
            card.read_raw().unwrap();
            cg_measured(n, &mut || {
                black_box(card.read_raw().unwrap());
            });
        }
        "read_all_17" | "read_all_18" => {
            let mut card = BeidCard::open(profile_of(case).card().unwrap()).unwrap();
            card.read_all().unwrap();
            cg_measured(n, &mut || {
                black_box(card.read_all().unwrap());
            });
        }
        "parse_all_17" | "parse_all_18" => {
            let raw = BeidCard::open(profile_of(case).card().unwrap())
                .unwrap()
                .read_raw()
                .unwrap();
            let copies: Vec<RawCardContents> = (0..n).map(|_| raw.clone()).collect();
            let mut copies = copies.into_iter();
            cg_measured(n, &mut || {
                let r = copies.next().unwrap();
                black_box(beid::CardContents::from_raw(r).unwrap());
            });
        }
        "profile_card_17" => {
            Profile::Applet17Citizen.card().unwrap();
            cg_measured(n, &mut || {
                black_box(Profile::Applet17Citizen.card().unwrap());
            });
        }
        "pso_cds_p384" | "aws_lc_sign_p384" => {
            let [_, case_p384] = sign_cases();
            let digest = case_p384.hash.hash(b"callgrind").unwrap();
            if case == "pso_cds_p384" {
                let mut ch = ready_to_sign(&case_p384);
                let pso = Command::pso_compute_digital_signature(&digest).unwrap();
                let mut out = Vec::with_capacity(256);
                ch.transmit_into(&pso, &mut out).unwrap();
                cg_measured(n, &mut || {
                    out.clear();
                    black_box(ch.transmit_into(&pso, &mut out).unwrap());
                });
            } else {
                let mut sig = Vec::with_capacity(256);
                // First use initialises aws-lc's RNG (hundreds of millions of instructions
                // under valgrind): keep it out of the count.
                case_p384.raw.sign(&digest, &mut sig);
                cg_measured(n, &mut || {
                    case_p384.raw.sign(black_box(&digest), &mut sig);
                    black_box(sig.len());
                });
            }
        }
        other => panic!("unknown BEID_BENCH_CALLGRIND case {other:?}"),
    }
}

fn main() {
    if let Ok(spec) = std::env::var("BEID_BENCH_CALLGRIND") {
        callgrind_mode(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
