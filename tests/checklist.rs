//! The spec §14 simulator checklist, tested THROUGH THE LIBRARY, on both generations.
//!
//! Every exchange goes through the library's own types: [`beid::apdu::Command`] constructors,
//! [`beid::transport::Channel`] (T=0 `61xx`/`6Cxx` handling), [`beid::Pin`], [`beid::apdu::Status`]
//! and [`beid::BeidCard`]. Where a test must see the raw T=0 answer (`61 xx`, `6C xx`, which the
//! channel completes on its own) it sends the library's command bytes with
//! [`Transport::transmit`] directly. Malformed commands are built with [`Command::new`].
//!
//! Every signature the virtual card makes here is verified against the public key read FROM THE
//! CARD (holder certificates, RRN certificate, EF(PuK#1)) with independent implementations:
//! aws-lc-rs, and the `openssl` command-line tool when it is on `PATH` (otherwise a notice is
//! printed and only the openssl part is skipped).
//!
//! Sections follow spec §14 items 1–10 (ATR, SELECT, READ BINARY, case-4/GET RESPONSE, GET CARD
//! DATA, PIN, MSE:SET/PSO:CDS, INTERNAL AUTHENTICATE, files, file signatures), then "§14.11":
//! every signature algorithm of spec §8.7 with both holder keys. Each `fn name(g: Gen)` runs as
//! `name::applet_1_7` and `name::applet_1_8` (see `both_generations!` at the end of the file).
//! Test helpers live outside `#[test]` functions, where clippy.toml's test allowances do not
//! reach, hence the crate-level `allow` below.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::OnceLock;

use aws_lc_rs::digest;
use aws_lc_rs::signature::{self as sig, UnparsedPublicKey, VerificationAlgorithm};
use beid::apdu::{
    AlgorithmReference, BELPIC_APPLET_AID, Command, ID_DF_AID, KeyReference, PKCS15_AID, Status,
    StatusWord,
};
use beid::files::{Address, BasicPublicKey, CardData, Certificate, Identity, TokenInfo};
use beid::transport::{Channel, Transport};
use beid::{BeidCard, Error, FileId, Generation, Pin, PinFormatError};
use beid_simulator::{Profile, VirtualCard};

// =============================================================================================
// Generations
// =============================================================================================

/// What differs between the two generations (spec §1.1, §8.7, §8.10, §9.2).
#[derive(Clone, Copy, Debug)]
struct Gen {
    generation: Generation,
    citizen: Profile,
    kids: Profile,
    atr: &'static [u8],
    /// GET CARD DATA byte 21.
    applet: u8,
    /// Holder signature length: RSA-2048 or P-384 r‖s.
    sig_len: usize,
    /// The MSE:SET algorithm the sequence tests use: 1.7 `08` (PKCS#1 SHA-256), 1.8 `02`
    /// (ECDSA SHA-384).
    default_alg: u8,
}

const G17: Gen = Gen {
    generation: Generation::Applet17,
    citizen: Profile::Applet17Citizen,
    kids: Profile::Applet17Kids,
    atr: &[
        0x3B, 0x98, 0x13, 0x40, 0x0A, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x11,
    ],
    applet: 0x17,
    sig_len: 256,
    default_alg: 0x08,
};

const G18: Gen = Gen {
    generation: Generation::Applet18,
    citizen: Profile::Applet18Citizen,
    kids: Profile::Applet18Kids,
    atr: &[
        0x3B, 0x7F, 0x96, 0x00, 0x00, 0x80, 0x31, 0x80, 0x65, 0xB0, 0x85, 0x04, 0x01, 0x20, 0x12,
        0x0F, 0xFF, 0x82, 0x90, 0x00,
    ],
    applet: 0x18,
    sig_len: 96,
    default_alg: 0x02,
};

impl Gen {
    fn is_ec(self) -> bool {
        self.applet == 0x18
    }

    /// The DTBS of [`Gen::default_alg`] for `msg`.
    fn default_dtbs(self, msg: &[u8]) -> Vec<u8> {
        if self.is_ec() {
            sha(&digest::SHA384, msg)
        } else {
            sha(&digest::SHA256, msg)
        }
    }

    /// aws-lc-rs check of a [`Gen::default_alg`] signature over `msg`.
    fn default_sig_ok(self, spki: &[u8], msg: &[u8], sig: &[u8]) -> bool {
        let alg: &'static dyn VerificationAlgorithm = if self.is_ec() {
            &sig::ECDSA_P384_SHA384_FIXED
        } else {
            &sig::RSA_PKCS1_2048_8192_SHA256
        };
        UnparsedPublicKey::new(alg, spki).verify(msg, sig).is_ok()
    }
}

/// One `#[test]` per generation for each listed `fn name(g: Gen)`: `name::applet_1_7` and
/// `name::applet_1_8`.
macro_rules! both_generations {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn applet_1_7() {
                    super::$name(super::G17);
                }

                #[test]
                fn applet_1_8() {
                    super::$name(super::G18);
                }
            }
        )*
    };
}

// =============================================================================================
// Helpers: APDUs through the library
// =============================================================================================

type Ch = Channel<VirtualCard>;

const OK: u16 = 0x9000;
const PIN: &str = "1234";

/// A channel over a fresh virtual card of `profile` (no APDU sent yet).
fn fresh(profile: Profile) -> Ch {
    Channel::new(profile.card().expect("ready profile"))
}

/// A [`BeidCard`] opened over a fresh card of `profile`.
fn open(profile: Profile) -> BeidCard<VirtualCard> {
    BeidCard::open(profile.card().expect("ready profile")).expect("open")
}

/// Through the channel (`61xx`/`6Cxx` completed): data and final status word.
fn send(ch: &mut Ch, cmd: &Command) -> (Vec<u8>, u16) {
    let r = ch.transmit(cmd).expect("transport");
    (r.data().to_vec(), r.sw().0)
}

fn sw(ch: &mut Ch, cmd: &Command) -> u16 {
    send(ch, cmd).1
}

/// The raw T=0 answer: the library's command bytes sent with [`Transport::transmit`].
fn raw(ch: &mut Ch, cmd: &Command) -> (Vec<u8>, u16) {
    let mut r = Vec::new();
    Transport::transmit(ch.transport_mut(), cmd.as_bytes(), &mut r).expect("transport");
    let n = r.len();
    assert!(n >= 2, "R-APDU without status word: {r:02X?}");
    let s = u16::from_be_bytes([r[n - 2], r[n - 1]]);
    r.truncate(n - 2);
    (r, s)
}

/// A malformed or unusual command built with [`Command::new`].
fn cmd(cla: u8, ins: u8, p1: u8, p2: u8, data: &[u8], le: Option<u16>) -> Command {
    Command::new(cla, ins, p1, p2, data, le).expect("encodable command")
}

fn pin(digits: &str) -> Pin {
    Pin::new(digits).expect("valid PIN")
}

fn verify(ch: &mut Ch, digits: &str) -> u16 {
    sw(ch, &Command::verify(&pin(digits).block()))
}

fn pin_status(ch: &mut Ch) -> u16 {
    sw(ch, &Command::verify_status())
}

fn mse(ch: &mut Ch, alg: u8, key: u8) -> u16 {
    sw(
        ch,
        &Command::mse_set(AlgorithmReference(alg), KeyReference::from_byte(key)),
    )
}

/// PSO:CDS through the channel (GET RESPONSE done by the channel). `Err(sw)` when refused; a
/// refusal carries no data.
fn pso(ch: &mut Ch, dtbs: &[u8]) -> Result<Vec<u8>, u16> {
    let c = Command::pso_compute_digital_signature(dtbs).expect("DTBS ≤ 255 bytes");
    let (data, s) = send(ch, &c);
    if s == OK {
        Ok(data)
    } else {
        assert!(data.is_empty(), "refused PSO returned data");
        Err(s)
    }
}

fn select_path(ch: &mut Ch, path: &[u8]) -> u16 {
    sw(ch, &Command::select_path(path))
}

fn select_fid(ch: &mut Ch, fid: u16) -> u16 {
    sw(ch, &Command::select_fid(fid))
}

/// `path` with the MF in front (`3F00 DF01 4031`), the form commons-eid, the minidriver and
/// OpenSC send (spec §3.1).
fn with_mf(file: FileId) -> Vec<u8> {
    let mut p = vec![0x3F, 0x00];
    p.extend_from_slice(&file.path());
    p
}

/// Read the current EF like a host: chunks of `chunk` bytes (256 → Le `00`) through the
/// channel (which re-sends on `6Cxx`); stop on a short answer or `6B00` at a non-zero offset
/// (spec §3.2).
fn read_chunked(ch: &mut Ch, chunk: u16) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let offset = out.len();
        let s = ch
            .transmit_into(&Command::read_binary(offset as u16, chunk), &mut out)
            .expect("transport");
        match s.0 {
            OK => {}
            0x6B00 if offset > 0 => break,
            other => panic!("READ BINARY at {offset}: {other:04X}"),
        }
        let got = out.len() - offset;
        assert!(got > 0, "empty READ BINARY answer at {offset}");
        if got < usize::from(chunk) {
            break;
        }
    }
    out
}

/// The whole file, padding included, selected by path and read in 256-byte chunks.
fn full_file(ch: &mut Ch, file: FileId) -> Vec<u8> {
    assert_eq!(select_path(ch, &file.path()), OK, "{file:?}");
    read_chunked(ch, 256)
}

/// The files a card of `g` holds, as the card answers SELECT (by path) for [`FileId::ALL`].
fn files_on_card(ch: &mut Ch) -> Vec<FileId> {
    FileId::ALL
        .into_iter()
        .filter(|f| match select_path(ch, &f.path()) {
            OK => true,
            0x6A82 => false,
            other => panic!("SELECT {f:?}: {other:04X}"),
        })
        .collect()
}

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    assert_eq!(digits.len() % 2, 0, "odd hex string");
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

fn sha(alg: &'static digest::Algorithm, data: &[u8]) -> Vec<u8> {
    digest::digest(alg, data).as_ref().to_vec()
}

fn trim_trailing_zeros(b: &[u8]) -> &[u8] {
    let end = b.iter().rposition(|x| *x != 0).map_or(0, |p| p + 1);
    &b[..end]
}

/// The certificate in `file`, read from the card with [`BeidCard::read_file`].
fn card_certificate(card: &mut BeidCard<VirtualCard>, file: FileId) -> Certificate {
    let bytes = card.read_file(file).expect("read certificate");
    Certificate::parse_file(file, &bytes).expect("certificate parses")
}

/// ECDSA plain `r ‖ s` → DER `SEQUENCE { INTEGER r, INTEGER s }` (written here, independent of
/// the simulator's own converter).
fn rs_to_der(rs: &[u8]) -> Vec<u8> {
    fn integer(v: &[u8]) -> Vec<u8> {
        let start = v.iter().position(|b| *b != 0).unwrap_or(v.len() - 1);
        let v = &v[start..];
        let mut out = vec![0x02];
        if v[0] & 0x80 != 0 {
            out.push(v.len() as u8 + 1);
            out.push(0);
        } else {
            out.push(v.len() as u8);
        }
        out.extend_from_slice(v);
        out
    }
    assert_eq!(rs.len() % 2, 0);
    let (r, s) = rs.split_at(rs.len() / 2);
    let mut body = integer(r);
    body.extend(integer(s));
    assert!(body.len() < 128);
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

// =============================================================================================
// Helpers: the openssl command-line tool
// =============================================================================================

fn openssl_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let ok = Process::new("openssl")
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("notice: `openssl` is not on PATH: the openssl signature checks are skipped");
        }
        ok
    })
}

#[path = "support/openssl.rs"]
#[allow(dead_code)]
mod openssl_support;
use openssl_support::{Scratch, openssl};

/// `openssl x509 -inform DER -pubkey -noout`: the certificate's public key as PEM.
fn openssl_cert_pubkey(s: &Scratch, cert_der: &[u8]) -> PathBuf {
    openssl_support::cert_pubkey(s, "cert", cert_der)
}

/// `openssl pkeyutl -verify` of `sig` over the (already hashed) `input`; `key` is a PEM public
/// key, or a DER SubjectPublicKeyInfo when `key_der`.
fn openssl_pkeyutl_verify(
    s: &Scratch,
    key: &Path,
    key_der: bool,
    input: &[u8],
    sig: &[u8],
    opts: &[String],
) -> bool {
    let input = s.write("input.bin", input);
    let sig = s.write("sig.bin", sig);
    let mut args = vec![
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        key.to_str().unwrap(),
        "-in",
        input.to_str().unwrap(),
        "-sigfile",
        sig.to_str().unwrap(),
    ];
    if key_der {
        args.extend(["-keyform", "DER"]);
    }
    for o in opts {
        args.extend(["-pkeyopt", o.as_str()]);
    }
    let o = openssl(&args);
    let text = String::from_utf8_lossy(&o.stdout);
    o.status.success() && text.contains("Verified Successfully")
}

/// `openssl dgst -<hash> -verify`: `sig` (DER for ECDSA) over the whole message `data`.
fn openssl_dgst_verify(s: &Scratch, pubkey: &Path, hash: &str, data: &[u8], sig: &[u8]) -> bool {
    let data = s.write("data.bin", data);
    let sig = s.write("dgst-sig.bin", sig);
    let o = openssl(&[
        "dgst",
        &format!("-{hash}"),
        "-verify",
        pubkey.to_str().unwrap(),
        "-signature",
        sig.to_str().unwrap(),
        data.to_str().unwrap(),
    ]);
    o.status.success() && String::from_utf8_lossy(&o.stdout).contains("Verified OK")
}

/// MD5 is not in aws-lc-rs: `openssl dgst -md5 -binary`.
fn openssl_md5(data: &[u8]) -> Vec<u8> {
    let s = Scratch::new("md5");
    let f = s.write("data.bin", data);
    let o = openssl(&["dgst", "-md5", "-binary", f.to_str().unwrap()]);
    assert!(o.status.success());
    assert_eq!(o.stdout.len(), 16);
    o.stdout
}

// =============================================================================================
// §14.1 ATR, T=0, power-on state
// =============================================================================================

/// The protocols an ATR announces (ISO 7816-3): T=0 when no TD byte names another.
fn atr_protocols(atr: &[u8]) -> (Vec<u8>, usize) {
    let t0 = atr[1];
    let historical = usize::from(t0 & 0x0F);
    let mut y = t0 >> 4;
    let mut i = 2;
    let mut protocols = Vec::new();
    loop {
        i += usize::from((y & 1) + ((y >> 1) & 1) + ((y >> 2) & 1));
        if y & 0x08 == 0 {
            break;
        }
        let td = atr[i];
        i += 1;
        protocols.push(td & 0x0F);
        y = td >> 4;
    }
    if protocols.is_empty() {
        protocols.push(0);
    }
    // A TCK follows only when a protocol other than T=0 is announced.
    let tck = usize::from(protocols.iter().any(|p| *p != 0));
    assert_eq!(atr.len(), i + historical + tck, "ATR length {atr:02X?}");
    (protocols, historical)
}

/// §14.1: ATR of the generation (spec §1.1), T=0 only; after reset the applet is selected
/// and the MF current (spec §1.3).
fn atr_and_power_on_state(g: Gen) {
    let mut ch = fresh(g.citizen);
    assert_eq!(Transport::atr(ch.transport()), Some(g.atr));
    let (protocols, historical) = atr_protocols(g.atr);
    assert_eq!(protocols, vec![0], "T=0 only");
    assert_eq!(historical, if g.is_ec() { 15 } else { 8 });

    // Power-on state: no SELECT needed for the applet; MF current, no EF.
    let (data, s) = send(&mut ch, &Command::get_card_data());
    assert_eq!((data.len(), s), (28, OK));
    assert_eq!(data[21], g.applet);
    assert_eq!(
        sw(&mut ch, &Command::read_binary(0, 1)),
        0x6986,
        "no current EF"
    );
    assert_eq!(select_fid(&mut ch, 0x4031), 0x6A82, "DF01 is not current");
    assert_eq!(
        select_fid(&mut ch, 0xDF01),
        OK,
        "DF01 is a child of the current MF"
    );

    // Change everything, then reset: back to the power-on state.
    assert_eq!(select_fid(&mut ch, 0x4031), OK);
    assert_eq!(verify(&mut ch, PIN), OK);
    assert_eq!(mse(&mut ch, g.default_alg, 0x82), OK);
    assert_eq!(
        sw(&mut ch, &Command::select_aid(&[])),
        OK,
        "card manager (RM18 §6.6)"
    );
    assert_eq!(
        sw(&mut ch, &Command::get_card_data()),
        0x6D00,
        "applet deselected"
    );
    ch.reset().unwrap();
    assert_eq!(Transport::atr(ch.transport()), Some(g.atr));
    assert_eq!(
        send(&mut ch, &Command::get_card_data()).1,
        OK,
        "applet selected again"
    );
    assert_eq!(sw(&mut ch, &Command::read_binary(0, 1)), 0x6986);
    assert_eq!(select_fid(&mut ch, 0x4031), 0x6A82, "MF current again");
    assert_eq!(pin_status(&mut ch), 0x63C3, "rights gone");
    assert_eq!(pso(&mut ch, &g.default_dtbs(b"x")), Err(0x6985), "SE gone");

    // The library sees the same card.
    let card = open(g.citizen);
    assert_eq!(card.atr(), Some(g.atr));
    assert_eq!(card.generation(), g.generation);
}

// =============================================================================================
// §14.2 SELECT
// =============================================================================================

/// §14.2: SELECT by AID (spec §1.3): the applet with P2 `00` and `0C`, the PKCS#15 and ID
/// AIDs; no FCI; unknown AID → `6A82`; P2 other than `0C` (except the applet) → `6A86`.
fn select_by_aid(g: Gen) {
    let mut ch = fresh(g.citizen);
    assert_eq!(raw(&mut ch, &Command::select_applet()), (vec![], OK));
    assert_eq!(raw(&mut ch, &Command::select_applet_p2_00()), (vec![], OK));
    assert_eq!(
        Command::select_applet_p2_00().as_bytes()[..5],
        [0x00, 0xA4, 0x04, 0x00, 0x0F],
        "eid-mw's form"
    );
    // The applet select makes the MF current.
    assert_eq!(select_fid(&mut ch, 0x5037), 0x6A82);

    assert_eq!(
        raw(&mut ch, &Command::select_aid(&PKCS15_AID)),
        (vec![], OK)
    );
    assert_eq!(select_fid(&mut ch, 0x5037), OK, "PKCS#15 AID = DF00");
    assert_eq!(raw(&mut ch, &Command::select_aid(&ID_DF_AID)), (vec![], OK));
    assert_eq!(select_fid(&mut ch, 0x4031), OK, "ID AID = DF01");

    assert_eq!(
        sw(
            &mut ch,
            &Command::select_aid(&[0xA0, 0x00, 0x00, 0x01, 0x77, 0x00])
        ),
        0x6A82
    );
    assert_eq!(
        sw(&mut ch, &cmd(0x00, 0xA4, 0x04, 0x00, &PKCS15_AID, None)),
        0x6A86
    );
    assert_eq!(
        sw(
            &mut ch,
            &cmd(0x00, 0xA4, 0x04, 0x04, &BELPIC_APPLET_AID, None)
        ),
        0x6A86
    );
    // A failed SELECT leaves DF01/4031 current.
    assert_eq!(send(&mut ch, &Command::read_binary(0, 1)).1, OK);
}

/// §14.2: P1=`08` paths with and without the leading `3F00`, and `3F00` alone; every file
/// reads the same either way; unknown → `6A82`; odd length → `6A87`.
fn select_by_path(g: Gen) {
    let mut ch = fresh(g.citizen);
    let files = files_on_card(&mut ch);
    for f in files {
        assert_eq!(select_path(&mut ch, &f.path()), OK, "{f:?}");
        let without = read_chunked(&mut ch, 256);
        assert_eq!(select_path(&mut ch, &[0x3F, 0x00]), OK);
        assert_eq!(
            sw(&mut ch, &Command::read_binary(0, 1)),
            0x6986,
            "MF: no EF"
        );
        assert_eq!(select_path(&mut ch, &with_mf(f)), OK, "{f:?} with 3F00");
        let with = read_chunked(&mut ch, 256);
        assert_eq!(with, without, "{f:?}");
        assert_eq!(&with, ch.transport().image().files[&f].as_ref(), "{f:?}");
    }
    // `3F00` alone selects the MF (OpenSC's PIN path): DF00/DF01 are its children.
    assert_eq!(select_path(&mut ch, &with_mf(FileId::Identity)), OK);
    assert_eq!(
        raw(&mut ch, &Command::select_path(&[0x3F, 0x00])),
        (vec![], OK)
    );
    assert_eq!(select_fid(&mut ch, 0xDF00), OK);
    // DF paths.
    assert_eq!(select_path(&mut ch, &[0x3F, 0x00, 0xDF, 0x00]), OK);
    assert_eq!(select_fid(&mut ch, 0x5032), OK);
    assert_eq!(select_path(&mut ch, &[0xDF, 0x01]), OK);
    assert_eq!(select_fid(&mut ch, 0x4031), OK);

    for unknown in [
        &[0xDF, 0x00, 0x50, 0x36][..], // EF(PuKDF) does not exist (spec §2.1)
        &[0x3F, 0x00, 0xDF, 0x02],
        &[0xDF, 0x01, 0x50, 0x38], // a DF00 file under DF01
        &[0x12, 0x34],
    ] {
        assert_eq!(select_path(&mut ch, unknown), 0x6A82, "{unknown:02X?}");
    }
    let puk = select_path(&mut ch, &FileId::BasicPublicKey.path());
    assert_eq!(
        puk,
        if g.is_ec() { OK } else { 0x6A82 },
        "EF(PuK#1) is 1.8 only"
    );
    assert_eq!(select_path(&mut ch, &[0xDF, 0x01, 0x40]), 0x6A87);
    assert_eq!(
        sw(
            &mut ch,
            &cmd(0x00, 0xA4, 0x08, 0x00, &[0xDF, 0x01, 0x40, 0x31], None)
        ),
        0x6A86
    );

    // BeidCard::select maps 6A82 to a typed error.
    let mut card = open(g.citizen);
    card.select(FileId::Identity).unwrap();
    match card.select(FileId::BasicPublicKey) {
        Ok(()) => assert!(g.is_ec()),
        Err(Error::Card(beid::CardError::FileNotFound(FileId::BasicPublicKey))) => {
            assert!(!g.is_ec())
        }
        Err(e) => panic!("{e:?}"),
    }
}

/// §14.2: P1=`02` FIDs resolved against the current DF; `3F00` always selects the MF;
/// eid-mw's fallback chain of spec §13.1 step 5; bad P2 → `6A86`.
fn select_by_fid(g: Gen) {
    let mut ch = fresh(g.citizen);
    // eid-mw reading EF(CDF) after reset.
    assert_eq!(raw(&mut ch, &Command::select_fid(0x5037)), (vec![], 0x6A82));
    assert_eq!(raw(&mut ch, &Command::select_fid(0x3F00)), (vec![], OK));
    assert_eq!(raw(&mut ch, &Command::select_fid(0xDF00)), (vec![], OK));
    assert_eq!(raw(&mut ch, &Command::select_fid(0x5037)), (vec![], OK));
    let cdf = read_chunked(&mut ch, 252);
    assert_eq!(&cdf, ch.transport().image().files[&FileId::Cdf].as_ref());
    // The EF's parent is current: its siblings are reachable, other DFs' files are not.
    assert_eq!(select_fid(&mut ch, 0x5038), OK);
    assert_eq!(select_fid(&mut ch, 0x4031), 0x6A82);
    assert_eq!(
        select_fid(&mut ch, 0xDF01),
        0x6A82,
        "DF01 is not a child of DF00"
    );
    // 3F00 from anywhere, then the ID files FID by FID (spec §13.1 step 6).
    assert_eq!(select_fid(&mut ch, 0x3F00), OK);
    assert_eq!(select_fid(&mut ch, 0xDF01), OK);
    assert_eq!(select_fid(&mut ch, 0x4031), OK);
    assert_eq!(select_fid(&mut ch, 0x4033), OK, "sibling");
    assert_eq!(select_fid(&mut ch, 0x3F00), OK, "3F00 from inside DF01");
    assert_eq!(select_fid(&mut ch, 0x2F00), OK, "EF(DIR) under the MF");
    assert_eq!(read_chunked(&mut ch, 256).len(), 37);
    assert_eq!(select_fid(&mut ch, 0x1234), 0x6A82);
    // P2 other than 0C: no FCI on Belpic (spec §3.1).
    assert_eq!(
        sw(&mut ch, &cmd(0x00, 0xA4, 0x02, 0x00, &[0x3F, 0x00], None)),
        0x6A86
    );
    assert_eq!(
        sw(&mut ch, &cmd(0x00, 0xA4, 0x02, 0x04, &[0x3F, 0x00], None)),
        0x6A86
    );
    assert_eq!(
        sw(&mut ch, &cmd(0x00, 0xA4, 0x00, 0x0C, &[0x3F, 0x00], None)),
        0x6A86
    );
    assert_eq!(
        sw(
            &mut ch,
            &cmd(0x00, 0xA4, 0x02, 0x0C, &[0x3F, 0x00, 0x00], None)
        ),
        0x6A87
    );
    // The EF(DIR) selected above is still current after the failures.
    assert_eq!(
        send(&mut ch, &Command::read_binary(0, 2)),
        (vec![0x61, 0x23], OK)
    );
}

// =============================================================================================
// §14.3 READ BINARY
// =============================================================================================

/// §14.3: offset ≥ size → `6B00`; offset + Le > size → `6C (size − offset)`; Le `00` = 256;
/// no PIN for any file.
fn read_binary_rules(g: Gen) {
    let mut ch = fresh(g.citizen);
    for f in files_on_card(&mut ch) {
        let file = ch.transport().image().files[&f].to_vec();
        let size = file.len();
        assert_eq!(select_path(&mut ch, &with_mf(f)), OK);
        let at = |o: usize| o as u16;
        assert_eq!(
            raw(&mut ch, &Command::read_binary(at(size), 1)),
            (vec![], 0x6B00),
            "{f:?}"
        );
        assert_eq!(
            raw(&mut ch, &Command::read_binary(at(size + 7), 1)),
            (vec![], 0x6B00)
        );
        for tail in [1usize, 2, size.min(200)] {
            let off = size - tail;
            let le = (tail + 1).min(256) as u16;
            let expect = 0x6C00 | (tail as u16 & 0xFF);
            assert_eq!(
                raw(&mut ch, &Command::read_binary(at(off), le)),
                (vec![], expect),
                "{f:?} tail {tail}"
            );
            // Re-sent with the exact Le: the tail.
            let (d, s) = raw(&mut ch, &Command::read_binary(at(off), tail as u16));
            assert_eq!((d.as_slice(), s), (&file[off..], OK), "{f:?}");
            // The channel does the re-send itself.
            let (d, s) = send(&mut ch, &Command::read_binary(at(off), le));
            assert_eq!((d.as_slice(), s), (&file[off..], OK), "{f:?}");
        }
        // Le 00 = 256.
        let le00 = Command::read_binary(0, 256);
        assert_eq!(le00.as_bytes(), &[0x00, 0xB0, 0x00, 0x00, 0x00]);
        let (d, s) = raw(&mut ch, &le00);
        if size >= 256 {
            assert_eq!((d.as_slice(), s), (&file[..256], OK), "{f:?}");
        } else {
            assert_eq!((d.len(), s), (0, 0x6C00 | size as u16), "{f:?}");
        }
    }
}

/// §14.3: reading every file with each host's chunk size (252 eid-mw, 128 minidriver, 255
/// commons-eid, 250 macOS, 256 OpenSC; spec §3.2) gives identical bytes.
fn every_file_with_every_host_chunk(g: Gen) {
    let mut ch = fresh(g.citizen);
    let files = files_on_card(&mut ch);
    // Spec §2.1: every file of the table but EF(PuKDF) and EF(Cert#9); EF(PuK#1) on 1.8
    // only. EF(PuK#7 ID) 4038 and EF(Preferences) 4039 (V1/1.7, deprecated, read by no
    // reader of spec §13) are optional.
    let optional = [FileId::CaRoleKeyHash, FileId::Preferences];
    let mut expected: Vec<FileId> = FileId::ALL
        .into_iter()
        .filter(|f| !optional.contains(f) || files.contains(f))
        .filter(|f| *f != FileId::BasicPublicKey || g.is_ec())
        .collect();
    expected.sort();
    assert_eq!(files, expected);
    for f in files {
        let expected = ch.transport().image().files[&f].to_vec();
        for chunk in [252u16, 128, 255, 250, 256] {
            assert_eq!(select_path(&mut ch, &with_mf(f)), OK);
            let got = read_chunked(&mut ch, chunk);
            assert_eq!(got, expected, "{f:?} in chunks of {chunk}");
        }
    }
    // And the library's own read path with those chunk sizes agrees with itself.
    let reference = open(g.citizen).read_raw().unwrap();
    for chunk in [252u16, 128, 255, 250] {
        let vc = g.citizen.card().unwrap();
        let opts = beid::ReadOptions::default().with_chunk(chunk);
        let mut card = beid::OpenOptions::new().read(opts).open(vc).unwrap();
        let r = card.read_raw().unwrap();
        assert_eq!(r.files, reference.files, "chunk {chunk}");
    }
}

// =============================================================================================
// §14.4 case-4 outputs, GET RESPONSE
// =============================================================================================

/// §14.4: PSO:CDS answers `61 xx`; the data comes with GET RESPONSE; a wrong GET RESPONSE Le
/// → `6C xx` without aborting the chain; nothing pending → `6985` (spec §1.4, §3.4).
fn case4_and_get_response(g: Gen) {
    let mut card = open(g.citizen);
    let cert = card_certificate(&mut card, FileId::AuthenticationCertificate);
    let ch = card.channel();
    assert_eq!(
        raw(ch, &Command::get_response(16)),
        (vec![], 0x6985),
        "nothing pending"
    );

    assert_eq!(verify(ch, PIN), OK);
    assert_eq!(mse(ch, g.default_alg, 0x82), OK);
    let msg = b"case-4 output";
    let pso_cmd = Command::pso_compute_digital_signature(&g.default_dtbs(msg)).unwrap();
    assert_eq!(pso_cmd.le(), None);
    let total = g.sig_len;
    assert_eq!(raw(ch, &pso_cmd), (vec![], 0x6100 | (total as u16 & 0xFF)));
    // First 32 bytes, then a too-long Le, then the rest.
    let (mut sig, s) = raw(ch, &Command::get_response(32));
    let rest = total - 32;
    assert_eq!((sig.len(), s), (32, 0x6100 | rest as u16));
    assert_eq!(
        raw(ch, &Command::get_response(rest as u16 + 1)),
        (vec![], 0x6C00 | rest as u16)
    );
    let (tail, s) = raw(ch, &Command::get_response(rest as u16));
    assert_eq!((tail.len(), s), (rest, OK));
    sig.extend(tail);
    assert!(g.default_sig_ok(cert.subject_public_key_info_der(), msg, &sig));
    assert_eq!(
        raw(ch, &Command::get_response(16)),
        (vec![], 0x6985),
        "chain consumed"
    );

    // With Le 00 appended (`… [00]`, spec §8.8) the answer is the same 61 xx.
    let with_le = cmd(0x00, 0x2A, 0x9E, 0x9A, &g.default_dtbs(msg), Some(256));
    assert_eq!(raw(ch, &with_le), (vec![], 0x6100 | (total as u16 & 0xFF)));
    // Any other command in between discards the pending data.
    assert_eq!(sw(ch, &Command::get_card_data()), OK);
    assert_eq!(
        raw(ch, &Command::get_response(total.min(256) as u16)),
        (vec![], 0x6985)
    );

    // The channel does it all: one PSO, one GET RESPONSE.
    let before = ch.apdu_count();
    let sig = pso(ch, &g.default_dtbs(b"via the channel")).unwrap();
    assert_eq!(ch.apdu_count() - before, 2);
    assert_eq!(sig.len(), total);
    assert!(g.default_sig_ok(cert.subject_public_key_info_der(), b"via the channel", &sig));
    assert!(!g.default_sig_ok(
        cert.subject_public_key_info_der(),
        b"via the channel!",
        &sig
    ));
}

/// The identity elements with tags `first..=last`, tag ‖ length ‖ value as stored.
fn records(identity: &[u8], first: u8, last: u8) -> Vec<u8> {
    let mut out = Vec::new();
    for t in beid::tlv::iter(identity).map(Result::unwrap) {
        if (first..=last).contains(&t.tag) {
            out.extend_from_slice(&identity[t.offset..t.value_offset + t.value.len()]);
        }
    }
    out
}

/// §14.4 / spec §3.3: READ RECORD (1.8) of more than 256 bytes → 256 bytes + `61 xx` + GET
/// RESPONSE; the channel assembles it. 1.7 has no READ RECORD.
#[test]
fn long_read_record_applet_1_8() {
    let vc = VirtualCard::builder()
        .generation(Generation::Applet18)
        .surname("S".repeat(120))
        .given_names("G".repeat(120))
        .birth_place("B".repeat(100))
        .build()
        .unwrap();
    let mut ch = Channel::new(vc);
    assert_eq!(select_path(&mut ch, &with_mf(FileId::Identity)), OK);
    let identity = read_chunked(&mut ch, 256);
    let all = records(&identity, 0x01, 0x0C);
    assert!(all.len() > 256, "{}", all.len());
    let rr = Command::read_record(0x01, 0x0C, 256);
    assert_eq!(rr.as_bytes(), &[0x80, 0xB2, 0x01, 0x0C, 0x00]);
    let rest = all.len() - 256;
    let (first, s) = raw(&mut ch, &rr);
    assert_eq!((first.as_slice(), s), (&all[..256], 0x6100 | rest as u16));
    assert_eq!(
        raw(&mut ch, &Command::get_response(rest as u16 + 1)),
        (vec![], 0x6C00 | rest as u16)
    );
    assert_eq!(
        raw(&mut ch, &Command::get_response(rest as u16)),
        (all[256..].to_vec(), OK)
    );
    assert_eq!(raw(&mut ch, &Command::get_response(1)), (vec![], 0x6985));
    assert_eq!(send(&mut ch, &rr), (all.clone(), OK), "the channel chains");
    // eid-mw's one-record form, a wrong Le, absent tags.
    let one = records(&identity, 0x07, 0x07);
    assert_eq!(
        send(&mut ch, &Command::read_record(0x07, 0x07, 256)),
        (one.clone(), OK)
    );
    let exact = Command::read_record(0x07, 0x07, one.len() as u16);
    assert_eq!(raw(&mut ch, &exact), (one.clone(), OK));
    let wrong = Command::read_record(0x07, 0x07, 10);
    assert_eq!(raw(&mut ch, &wrong), (vec![], 0x6C00 | one.len() as u16));
    assert_eq!(
        sw(&mut ch, &Command::read_record(0x0C, 0x07, 256)),
        0x6A83,
        "P2 < P1"
    );
    assert_eq!(
        sw(&mut ch, &Command::read_record(0xE0, 0xE1, 256)),
        0x6A83,
        "absent"
    );

    let mut c17 = fresh(Profile::Applet17Citizen);
    assert_eq!(select_path(&mut c17, &with_mf(FileId::Identity)), OK);
    assert_eq!(sw(&mut c17, &Command::read_record(0x01, 0x01, 256)), 0x6D00);
}

// =============================================================================================
// §14.5 GET CARD DATA
// =============================================================================================

/// §14.5: GET CARD DATA per generation (spec §9): serial = TokenInfo = identity tag 02;
/// `6C1C` / `6C1F` for a wrong Le; P2=`01` only on 1.8 (PIN tries at byte 28), `6B00` on 1.7.
fn get_card_data(g: Gen) {
    let mut card = open(g.citizen);
    let token = TokenInfo::parse(&card.read_file(FileId::TokenInfo).unwrap()).unwrap();
    let id_file = card.read_file(FileId::Identity).unwrap();
    let identity = Identity::parse(&id_file).unwrap();
    let ch = card.channel();

    let (data, s) = raw(ch, &Command::get_card_data());
    assert_eq!((data.len(), s), (28, OK));
    let tail: &[u8] = if g.is_ec() {
        &[0x18, 0x00, 0x01, 0x00, 0x00, 0x02]
    } else {
        &[0x17, 0x00, 0x03, 0x00, 0x21, 0x01]
    };
    assert_eq!(
        &data[21..27],
        tail,
        "applet, global OS, interface, PKCS#1, key exchange"
    );
    assert!(
        matches!(data[27], 0x07 | 0x0F),
        "life cycle {:02X}",
        data[27]
    );
    let parsed = CardData::parse(&data).unwrap();
    assert_eq!(parsed.generation(), g.generation);
    assert_eq!(parsed.applet_version(), g.applet);
    assert_eq!(parsed.serial()[..], data[..16]);
    assert_eq!(token.serial(), Ok(parsed.serial()), "TokenInfo serial");
    assert_eq!(&token.raw()[7..23], &data[..16], "TokenInfo offset 0x07");
    assert_eq!(identity.chip_number(), &data[..16], "identity tag 02");

    for le in [0x10u16, 0x1B, 0x1D, 0xFF, 256] {
        let c = Command::get_card_data().with_le(le);
        assert_eq!(raw(ch, &c), (vec![], 0x6C1C), "Le {le:02X}");
        // commons-eid's Le FF: the channel re-sends with 1C.
        assert_eq!(send(ch, &c), (data.clone(), OK));
    }
    assert_eq!(
        raw(ch, &cmd(0x80, 0xE4, 0x02, 0x00, &[], Some(0x1C))),
        (vec![], 0x6B00)
    );

    let ext = Command::get_card_data_extended();
    assert_eq!(ext.as_bytes(), &[0x80, 0xE4, 0x00, 0x01, 0x1F]);
    if g.is_ec() {
        let (long, s) = raw(ch, &ext);
        assert_eq!((long.len(), s), (31, OK));
        assert_eq!(&long[..28], &data[..]);
        assert_eq!(&long[28..], &[0x03, 0xFF, 0xFF]);
        assert_eq!(raw(ch, &ext.with_le(0x1C)), (vec![], 0x6C1F));
        assert_eq!(send(ch, &ext.with_le(0xFF)), (long.clone(), OK));
        // The PIN counter is live and reading it spends nothing.
        assert_eq!(verify(ch, "0000"), 0x63C2);
        assert_eq!(send(ch, &ext).0[28], 2);
        assert_eq!(send(ch, &ext).0[28], 2);
        assert_eq!(
            CardData::parse(&send(ch, &ext).0).unwrap().pin_tries_left(),
            Some(2)
        );
    } else {
        assert_eq!(raw(ch, &ext), (vec![], 0x6B00));
        assert_eq!(raw(ch, &ext.with_le(0x1C)), (vec![], 0x6B00));
    }
    // BeidCard reads the form of the generation.
    let card = open(g.citizen);
    assert_eq!(card.card_data().pin_tries_left(), g.is_ec().then_some(3));
    assert_eq!(card.card_data().serial(), parsed.serial());
}

// =============================================================================================
// §14.6 PIN
// =============================================================================================

/// §14.6: wrong PIN → `63C2`, `63C1`, `63C0`, then `6983` and the correct PIN refused too;
/// tries reset after success; empty VERIFY spends nothing; `Pin::new` refuses bad input
/// before any APDU (spec §8.1–§8.3).
fn verify_counter_and_blocking(g: Gen) {
    let mut ch = fresh(g.citizen);
    let status = |s: u16| StatusWord(s).status();
    assert_eq!(pin_status(&mut ch), 0x63C3, "fresh card, not verified");
    assert_eq!(
        Command::verify_status().as_bytes(),
        &[0x00, 0x20, 0x00, 0x01]
    );
    assert_eq!(verify(&mut ch, "0000"), 0x63C2);
    assert_eq!(
        status(pin_status(&mut ch)),
        Status::VerificationFailed { tries_left: 2 }
    );
    assert_eq!(pin_status(&mut ch), 0x63C2, "empty VERIFY spends nothing");
    assert_eq!(verify(&mut ch, PIN), OK);
    assert_eq!(pin_status(&mut ch), OK, "verified");
    assert_eq!(
        ch.transport().pin_tries_left(),
        3,
        "success resets the counter"
    );
    assert_eq!(
        verify(&mut ch, "12345"),
        0x63C2,
        "not 63C1: the counter was reset"
    );
    assert_eq!(verify(&mut ch, "999999"), 0x63C1);
    assert_eq!(verify(&mut ch, "123456789012"), 0x63C0);
    assert_eq!(status(verify(&mut ch, PIN)), Status::AuthenticationBlocked);
    assert_eq!(verify(&mut ch, "0000"), 0x6983);
    assert_eq!(pin_status(&mut ch), 0x6983);
    let change = Command::change_reference_data(&pin(PIN).block(), &pin("5678").block());
    assert_eq!(sw(&mut ch, &change), 0x6983);
    assert_eq!(mse(&mut ch, g.default_alg, 0x82), OK);
    assert_eq!(pso(&mut ch, &g.default_dtbs(b"blocked")), Err(0x6982));
    // The counter is in EEPROM: a reset does not unblock.
    ch.reset().unwrap();
    assert_eq!(verify(&mut ch, PIN), 0x6983);
    if g.is_ec() {
        assert_eq!(send(&mut ch, &Command::get_card_data_extended()).0[28], 0);
    }
    // Out-of-band unblock (municipality), then the PIN works again.
    ch.transport_mut().unblock_pin();
    assert_eq!(verify(&mut ch, PIN), OK);

    // Malformed PINs never reach the card.
    let before = ch.apdu_count();
    let tries = ch.transport().pin_tries_left();
    assert!(matches!(
        Pin::new("12a4"),
        Err(Error::Pin(beid::PinError::InvalidFormat(
            PinFormatError::NotADigit { position: 2 }
        )))
    ));
    assert!(matches!(
        Pin::new("123"),
        Err(Error::Pin(beid::PinError::InvalidFormat(
            PinFormatError::Length { len: 3 }
        )))
    ));
    assert!(matches!(
        Pin::new("1234567890123"),
        Err(Error::Pin(beid::PinError::InvalidFormat(
            PinFormatError::Length { len: 13 }
        )))
    ));
    assert_eq!(ch.apdu_count(), before, "no APDU sent");
    assert_eq!(ch.transport().pin_tries_left(), tries);

    // Wrong P1/P2 and a malformed block (spec §8.3, §10).
    let block = *pin(PIN).block().as_bytes();
    assert_eq!(
        sw(&mut ch, &cmd(0x00, 0x20, 0x01, 0x01, &block, None)),
        0x6A86
    );
    assert_eq!(
        sw(&mut ch, &cmd(0x00, 0x20, 0x00, 0x02, &block, None)),
        0x6A88
    );
    let bad = [0x24, 0x12, 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
    assert_eq!(
        sw(&mut ch, &cmd(0x00, 0x20, 0x00, 0x01, &bad, None)),
        0x6A80
    );
}

/// §14.6: PIN blocks of 4..12 digits (spec §8.2) verify on a card with that PIN.
fn pin_lengths(g: Gen) {
    assert_eq!(
        pin("1234").block().as_bytes(),
        &hex("24 12 34 FF FF FF FF FF")[..]
    );
    assert_eq!(
        pin("12345").block().as_bytes(),
        &hex("25 12 34 5F FF FF FF FF")[..]
    );
    assert_eq!(
        pin("123456789012").block().as_bytes(),
        &hex("2C 12 34 56 78 90 12 FF")[..]
    );
    for digits in ["0000", "13579", "246802", "123456789012"] {
        let vc = VirtualCard::builder()
            .generation(g.generation)
            .pin(digits)
            .build()
            .unwrap();
        let mut ch = Channel::new(vc);
        let c = Command::verify(&pin(digits).block());
        assert_eq!(&c.as_bytes()[..5], &[0x00, 0x20, 0x00, 0x01, 0x08]);
        assert_eq!(sw(&mut ch, &c), OK, "{}-digit PIN", digits.len());
        assert_eq!(verify(&mut ch, "9999"), 0x63C2);
    }
}

/// §14.6: CHANGE REFERENCE DATA with old ‖ new (spec §8.4).
fn change_reference_data(g: Gen) {
    let mut ch = fresh(g.citizen);
    let change =
        |old: &str, new: &str| Command::change_reference_data(&pin(old).block(), &pin(new).block());
    let c = change(PIN, "5678");
    assert_eq!(&c.as_bytes()[..5], &[0x00, 0x24, 0x00, 0x01, 0x10]);
    assert_eq!(&c.data()[..8], pin(PIN).block().as_bytes());
    assert_eq!(&c.data()[8..], pin("5678").block().as_bytes());
    assert_eq!(sw(&mut ch, &c), OK);
    // "the access right is granted": the authentication key signs at once.
    assert_eq!(mse(&mut ch, g.default_alg, 0x82), OK);
    assert_eq!(
        pso(&mut ch, &g.default_dtbs(b"after change"))
            .unwrap()
            .len(),
        g.sig_len
    );
    assert_eq!(verify(&mut ch, PIN), 0x63C2, "old PIN gone");
    assert_eq!(verify(&mut ch, "5678"), OK);
    // Wrong current PIN: costs a try, PIN unchanged.
    assert_eq!(sw(&mut ch, &change("0000", "1111")), 0x63C2);
    assert_eq!(pin_status(&mut ch), 0x63C2, "and the right is gone");
    assert_eq!(verify(&mut ch, "1111"), 0x63C1);
    assert_eq!(verify(&mut ch, "5678"), OK);
    // Lc other than 16, bad new block.
    let old = *pin("5678").block().as_bytes();
    assert_eq!(
        sw(&mut ch, &cmd(0x00, 0x24, 0x00, 0x01, &old, None)),
        0x6700
    );
    let mut bad = old.to_vec();
    bad.extend(hex("23 12 3F FF FF FF FF FF")); // 3 digits
    assert_eq!(
        sw(&mut ch, &cmd(0x00, 0x24, 0x00, 0x01, &bad, None)),
        0x6A80
    );
    assert_eq!(verify(&mut ch, "5678"), OK, "PIN unchanged");
}

/// §14.6: LOG OFF, a card reset and a failed VERIFY clear the rights (spec §8.3, §8.6, §8.9).
fn rights_are_cleared(g: Gen) {
    let mut ch = fresh(g.citizen);
    let dtbs = g.default_dtbs(b"rights");
    // LOG OFF `80 E6 00 00`.
    assert_eq!(Command::log_off().as_bytes(), &[0x80, 0xE6, 0x00, 0x00]);
    assert_eq!(verify(&mut ch, PIN), OK);
    assert_eq!(mse(&mut ch, g.default_alg, 0x82), OK);
    assert!(pso(&mut ch, &dtbs).is_ok());
    assert_eq!(sw(&mut ch, &Command::log_off()), OK);
    assert_eq!(pin_status(&mut ch), 0x63C3);
    assert_eq!(pso(&mut ch, &dtbs), Err(0x6982));
    // eid-mw's 5-byte form `80 E6 00 00 00` is the same TPDU on T=0.
    assert_eq!(verify(&mut ch, PIN), OK);
    assert_eq!(
        sw(&mut ch, &cmd(0x80, 0xE6, 0x00, 0x00, &[], Some(256))),
        OK
    );
    assert_eq!(pin_status(&mut ch), 0x63C3);

    // Reset: rights and SE gone, the counter kept.
    assert_eq!(verify(&mut ch, PIN), OK);
    assert_eq!(mse(&mut ch, g.default_alg, 0x82), OK);
    ch.reset().unwrap();
    assert_eq!(pin_status(&mut ch), 0x63C3);
    assert_eq!(mse(&mut ch, g.default_alg, 0x82), OK);
    assert_eq!(pso(&mut ch, &dtbs), Err(0x6982));
    assert_eq!(verify(&mut ch, "0000"), 0x63C2);
    ch.reset().unwrap();
    assert_eq!(pin_status(&mut ch), 0x63C2, "counter survives reset");

    // A failed VERIFY clears every right.
    assert_eq!(verify(&mut ch, PIN), OK);
    assert_eq!(mse(&mut ch, g.default_alg, 0x82), OK);
    assert!(pso(&mut ch, &dtbs).is_ok());
    assert_eq!(verify(&mut ch, "0000"), 0x63C2);
    assert_eq!(pso(&mut ch, &dtbs), Err(0x6982));
    assert_eq!(pin_status(&mut ch), 0x63C2);

    // BeidCard::reconnect is a reset too.
    let mut card = open(g.citizen);
    assert_eq!(verify(card.channel(), PIN), OK);
    card.reconnect().unwrap();
    assert_eq!(pin_status(card.channel()), 0x63C3);
}

// =============================================================================================
// §14.7 MSE:SET and PSO:CDS
// =============================================================================================

/// §14.7: MSE:SET with the algorithm table of the generation (spec §8.7): valid → `9000`,
/// invalid → `6A80`; unknown key → `6A88`; absent holder keys on a kids card → `6A88`.
fn mse_set_tables(g: Gen) {
    let valid: &[u8] = if g.is_ec() {
        &[0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40]
    } else {
        &[0x01, 0x02, 0x04, 0x08, 0x10, 0x20]
    };
    let invalid: &[u8] = if g.is_ec() {
        &[0x00, 0x03, 0x80, 0xFF]
    } else {
        &[0x00, 0x03, 0x40, 0x80, 0xFF]
    };
    let mut ch = fresh(g.citizen);
    let c = Command::mse_set(AlgorithmReference(0x02), KeyReference::NonRepudiation);
    assert_eq!(c.as_bytes(), &hex("00 22 41 B6 05 04 80 02 84 83")[..]);
    for key in [0x82, 0x83, 0x81] {
        for &alg in valid {
            assert_eq!(mse(&mut ch, alg, key), OK, "alg {alg:02X} key {key:02X}");
        }
        for &alg in invalid {
            assert_eq!(
                mse(&mut ch, alg, key),
                0x6A80,
                "alg {alg:02X} key {key:02X}"
            );
        }
    }
    for key in [0x80, 0x84, 0x85] {
        assert_eq!(mse(&mut ch, g.default_alg, key), 0x6A88, "key {key:02X}");
    }
    // Named constants of the library are the table's values.
    if g.is_ec() {
        for a in [
            AlgorithmReference::ECDSA_SHA256,
            AlgorithmReference::ECDSA_SHA384,
            AlgorithmReference::ECDSA_SHA512,
            AlgorithmReference::ECDSA_SHA3_256,
            AlgorithmReference::ECDSA_SHA3_384,
            AlgorithmReference::ECDSA_SHA3_512,
            AlgorithmReference::ECDSA_RAW,
        ] {
            assert_eq!(
                sw(&mut ch, &Command::mse_set(a, KeyReference::Authentication)),
                OK
            );
        }
    } else {
        for a in [
            AlgorithmReference::RSA_PKCS1,
            AlgorithmReference::RSA_PKCS1_SHA1,
            AlgorithmReference::RSA_PKCS1_MD5,
            AlgorithmReference::RSA_PKCS1_SHA256,
            AlgorithmReference::RSA_PSS_SHA1,
            AlgorithmReference::RSA_PSS_SHA256,
        ] {
            assert_eq!(
                sw(&mut ch, &Command::mse_set(a, KeyReference::Authentication)),
                OK
            );
        }
    }
    // Malformed MSE:SET: P1-P2, wrong tag, Lc.
    let data = [0x04, 0x80, g.default_alg, 0x84, 0x82];
    assert_eq!(
        sw(&mut ch, &cmd(0x00, 0x22, 0x41, 0xA4, &data, None)),
        0x6A86
    );
    let wrong_tag = [0x04, 0x81, g.default_alg, 0x84, 0x82];
    assert_eq!(
        sw(&mut ch, &cmd(0x00, 0x22, 0x41, 0xB6, &wrong_tag, None)),
        0x6A80
    );
    assert_eq!(
        sw(&mut ch, &cmd(0x00, 0x22, 0x41, 0xB6, &data[..4], None)),
        0x6700
    );

    // Kids card: no holder keys; the basic key is there.
    let mut kids = fresh(g.kids);
    assert_eq!(mse(&mut kids, g.default_alg, 0x82), 0x6A88);
    assert_eq!(mse(&mut kids, g.default_alg, 0x83), 0x6A88);
    assert_eq!(mse(&mut kids, g.default_alg, 0x81), OK);
    assert_eq!(verify(&mut kids, PIN), OK);
    assert_eq!(
        pso(&mut kids, &g.default_dtbs(b"kids")),
        Err(0x6982),
        "key 81 never signs"
    );
}

/// §14.7: PSO:CDS without MSE:SET → `6985`; without PIN → `6982`; key `81` → refused;
/// DTBS of the wrong length refused (spec §8.8).
fn pso_preconditions(g: Gen) {
    let mut ch = fresh(g.citizen);
    let dtbs = g.default_dtbs(b"preconditions");
    assert_eq!(pso(&mut ch, &dtbs), Err(0x6985), "no SE, no PIN");
    // transmit_ok turns the refusal into a typed error.
    let c = Command::pso_compute_digital_signature(&dtbs).unwrap();
    match ch.transmit_ok(&c) {
        Err(Error::Card(beid::CardError::Status { command, sw })) => {
            assert_eq!(command, beid::CommandKind::ComputeDigitalSignature);
            assert_eq!(sw.status(), Status::ConditionsNotSatisfied);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(verify(&mut ch, PIN), OK);
    assert_eq!(pso(&mut ch, &dtbs), Err(0x6985), "no SE");
    assert_eq!(mse(&mut ch, g.default_alg, 0x81), OK);
    assert_eq!(verify(&mut ch, PIN), OK);
    assert_eq!(
        pso(&mut ch, &dtbs),
        Err(0x6982),
        "basic key: PSO never allowed (§7.5)"
    );
    assert_eq!(sw(&mut ch, &Command::log_off()), OK);
    for key in [0x82, 0x83] {
        assert_eq!(mse(&mut ch, g.default_alg, key), OK);
        assert_eq!(pso(&mut ch, &dtbs), Err(0x6982), "no PIN, key {key:02X}");
    }
    // Wrong DTBS length for the algorithm: 1.7 6700 (RM17), 1.8 6A80 (RM18).
    assert_eq!(verify(&mut ch, PIN), OK);
    assert_eq!(mse(&mut ch, g.default_alg, 0x82), OK);
    let wrong = if g.is_ec() { 0x6A80 } else { 0x6700 };
    assert_eq!(pso(&mut ch, &[0x5A; 20]), Err(wrong));
    assert_eq!(
        pso(&mut ch, &dtbs).unwrap().len(),
        g.sig_len,
        "right length still works"
    );
    if g.is_ec() {
        assert_eq!(mse(&mut ch, 0x40, 0x82), OK);
        for len in [20usize, 28, 32, 48, 64] {
            assert_eq!(
                pso(&mut ch, &vec![0x11; len]).unwrap().len(),
                96,
                "raw {len}"
            );
        }
        assert_eq!(pso(&mut ch, &[0x11; 33]), Err(0x6A80));
    } else {
        assert_eq!(mse(&mut ch, 0x01, 0x82), OK);
        assert_eq!(
            pso(&mut ch, &[0x11; 245]).unwrap().len(),
            256,
            "≤ 245 bytes for RSA-2048"
        );
        assert_eq!(pso(&mut ch, &[0x11; 246]), Err(0x6700));
    }
}

/// One step of a PIN/signature sequence (spec §8.9).
#[derive(Clone, Copy, Debug)]
enum Step {
    /// VERIFY with the right PIN (must succeed).
    Verify,
    /// READ BINARY of the current EF (must succeed).
    Read,
    /// GET CARD DATA (must succeed).
    CardData,
    /// MSE:SET with the generation's default algorithm and this key (must succeed).
    Mse(u8),
    /// PSO:CDS; the expected status word (`9000`: the signature is checked against the
    /// certificate read from the card).
    Sign(u16),
    /// LOG OFF.
    LogOff,
}

use Step::{CardData as Cd, LogOff, Mse, Read, Sign, Verify};

const NO: u16 = 0x6982;

/// Run `steps` on a fresh citizen card of `g` (certificates read, EF(TokenInfo) selected first).
fn run_steps(g: Gen, what: &str, steps: &[Step]) {
    let mut card = open(g.citizen);
    let auth = card_certificate(&mut card, FileId::AuthenticationCertificate);
    let nonrep = card_certificate(&mut card, FileId::NonRepudiationCertificate);
    let ch = card.channel();
    assert_eq!(select_path(ch, &with_mf(FileId::TokenInfo)), OK);
    let mut key = None;
    for (i, step) in steps.iter().enumerate() {
        let ctx = format!("{:?} «{what}» step {i} {step:?}", g.generation);
        match *step {
            Verify => assert_eq!(verify(ch, PIN), OK, "{ctx}"),
            Read => assert_eq!(
                send(ch, &Command::read_binary(0, 4)),
                (vec![0x30, 0x27, 0x02, 0x01], OK),
                "{ctx}"
            ),
            Cd => assert_eq!(sw(ch, &Command::get_card_data()), OK, "{ctx}"),
            Mse(k) => {
                assert_eq!(mse(ch, g.default_alg, k), OK, "{ctx}");
                key = Some(k);
            }
            LogOff => assert_eq!(sw(ch, &Command::log_off()), OK, "{ctx}"),
            Sign(expected) => {
                let msg = format!("{what} {i}");
                let r = pso(ch, &g.default_dtbs(msg.as_bytes()));
                if expected == OK {
                    let sig = r.unwrap_or_else(|s| panic!("{ctx}: refused {s:04X}"));
                    assert_eq!(sig.len(), g.sig_len, "{ctx}");
                    let cert = match key {
                        Some(0x82) => &auth,
                        Some(0x83) => &nonrep,
                        other => panic!("{ctx}: key {other:?}"),
                    };
                    let spki = cert.subject_public_key_info_der();
                    assert!(
                        g.default_sig_ok(spki, msg.as_bytes(), &sig),
                        "{ctx}: bad signature"
                    );
                } else {
                    assert_eq!(r, Err(expected), "{ctx}");
                }
            }
        }
    }
}

/// §14.7 / spec §8.9: the authentication key is "PIN once"; the non-repudiation key is "PIN
/// just before" — 1.7 immediately (an MSE:SET tolerated), 1.8 with at most one command in
/// between.
fn pin_access_modes(g: Gen) {
    let tol = if g.is_ec() { OK } else { NO };
    #[rustfmt::skip]
    let cases: &[(&str, &[Step])] = &[
        ("auth: PIN once, many signatures", &[
            Mse(0x82), Verify, Sign(OK), Sign(OK), Read, Cd, Read, Sign(OK), Mse(0x82), Sign(OK),
            Mse(0x83), Mse(0x82), Sign(OK),
        ]),
        ("auth: VERIFY before MSE", &[Verify, Read, Read, Read, Mse(0x82), Sign(OK)]),
        ("auth without PIN", &[Mse(0x82), Sign(NO)]),
        ("auth after LOG OFF", &[Mse(0x82), Verify, LogOff, Sign(NO)]),
        ("nonrep without PIN", &[Mse(0x83), Sign(NO)]),
        ("nonrep: VERIFY → PSO", &[Mse(0x83), Verify, Sign(OK)]),
        ("nonrep: VERIFY → MSE → PSO", &[Verify, Mse(0x83), Sign(OK)]),
        ("nonrep: VERIFY → PSO → PSO", &[Mse(0x83), Verify, Sign(OK), Sign(NO)]),
        ("nonrep: VERIFY → PSO → VERIFY → PSO", &[Mse(0x83), Verify, Sign(OK), Verify, Sign(OK)]),
        ("nonrep: VERIFY → VERIFY → PSO", &[Mse(0x83), Verify, Verify, Sign(OK)]),
        ("nonrep: VERIFY → READ → READ → PSO", &[Mse(0x83), Verify, Read, Read, Sign(NO)]),
        ("nonrep: VERIFY → READ → PSO", &[Mse(0x83), Verify, Read, Sign(tol)]),
        ("nonrep: VERIFY → GET CARD DATA → PSO", &[Mse(0x83), Verify, Cd, Sign(tol)]),
        ("nonrep: VERIFY → MSE → READ → PSO", &[Verify, Mse(0x83), Read, Sign(NO)]),
        ("nonrep: VERIFY → LOG OFF → PSO", &[Mse(0x83), Verify, LogOff, Sign(NO)]),
    ];
    for (what, steps) in cases {
        run_steps(g, what, steps);
    }
}

/// §14.7: the "PIN mixed mode" examples of spec §8.9 (RM17/RM18 §5.1).
fn mixed_mode_examples(g: Gen) {
    // Verify, Sign(nonrep), …, Sign(auth): the VERIFY was consumed → auth KO.
    run_steps(
        g,
        "V S(nr) … S(auth)",
        &[Mse(0x83), Verify, Sign(OK), Read, Mse(0x82), Sign(NO)],
    );
    // Verify, …, Verify, Sign(nonrep), …, Sign(auth): OK.
    run_steps(
        g,
        "V … V S(nr) … S(auth)",
        &[
            Verify,
            Read,
            Mse(0x83),
            Verify,
            Sign(OK),
            Read,
            Mse(0x82),
            Sign(OK),
        ],
    );
    // Verify, Read, Sign(nonrep) (too far for the generation) KO, the later Sign(auth) OK.
    if g.is_ec() {
        run_steps(
            g,
            "V R R S(nr) S(auth)",
            &[Mse(0x83), Verify, Read, Read, Sign(NO), Mse(0x82), Sign(OK)],
        );
        // One command in between is fine on 1.8, and then that VERIFY is consumed.
        run_steps(
            g,
            "V R S(nr) S(auth)",
            &[Mse(0x83), Verify, Read, Sign(OK), Mse(0x82), Sign(NO)],
        );
    } else {
        run_steps(
            g,
            "V R S(nr) S(auth)",
            &[Mse(0x83), Verify, Read, Sign(NO), Mse(0x82), Sign(OK)],
        );
        run_steps(
            g,
            "V M S(nr) S(auth)",
            &[Verify, Mse(0x83), Sign(OK), Mse(0x82), Sign(NO)],
        );
    }
}

/// GET CHALLENGE (spec §8.12; used by commons-eid and OpenSC): exactly Le bytes.
fn get_challenge(g: Gen) {
    let mut ch = fresh(g.citizen);
    let c = Command::get_challenge(8);
    assert_eq!(c.as_bytes(), &[0x00, 0x84, 0x00, 0x00, 0x08]);
    let (a, s) = send(&mut ch, &c);
    assert_eq!((a.len(), s), (8, OK));
    let (b, s) = send(&mut ch, &c);
    assert_eq!((b.len(), s), (8, OK));
    assert_ne!(a, b);
    assert_eq!(send(&mut ch, &Command::get_challenge(256)).0.len(), 256);
}

// =============================================================================================
// §14.8 INTERNAL AUTHENTICATE (1.8)
// =============================================================================================

/// §14.8: `00 88 02 81 32 94 30 <48>` → `61 60` → 96 bytes r‖s, no PIN, with and without
/// MSE:SET `84 81`; verified against EF(PuK#1) read from the card, whose SHA-384 is tag 1A
/// (spec §7.5, §8.11).
#[test]
fn internal_authenticate_applet_1_8() {
    let g = G18;
    let mut card = open(g.citizen);
    let puk_file = card.read_file(FileId::BasicPublicKey).unwrap();
    let identity = Identity::parse(&card.read_file(FileId::Identity).unwrap()).unwrap();
    assert_eq!(puk_file.len(), 120);
    assert_eq!(
        &puk_file[..24],
        &hex("30 76 30 10 06 07 2A 86 48 CE 3D 02 01 06 05 2B 81 04 00 22 03 62 00 04")[..]
    );
    assert_eq!(
        identity.basic_key_hash(),
        Some(&sha(&digest::SHA384, &puk_file)[..])
    );
    let puk = BasicPublicKey::parse(&puk_file).unwrap();
    assert!(puk.is_p384());
    let spki = puk.spki_der().to_vec();
    assert_eq!(spki, puk_file);

    let ch = card.channel();
    let msg = b"card authenticity challenge";
    let challenge = sha(&digest::SHA384, msg);
    let ia = Command::internal_authenticate(
        AlgorithmReference::ECDSA_SHA384,
        KeyReference::Basic,
        &challenge,
    )
    .unwrap();
    let mut expected = hex("00 88 02 81 32 94 30");
    expected.extend_from_slice(&challenge);
    assert_eq!(ia.as_bytes(), &expected[..], "eid-mw's APDU, no Le");

    // Raw: 61 60, then GET RESPONSE 60.
    assert_eq!(raw(ch, &ia), (vec![], 0x6160));
    let (rs, s) = raw(ch, &Command::get_response(0x60));
    assert_eq!((rs.len(), s), (96, OK));
    let fixed = UnparsedPublicKey::new(&sig::ECDSA_P384_SHA384_FIXED, &spki);
    assert!(
        fixed.verify(msg, &rs).is_ok(),
        "aws-lc: r‖s over SHA-384(msg)"
    );
    assert!(fixed.verify(b"other", &rs).is_err());

    // Through the channel, with a random 48-byte challenge used directly as the digest.
    let random: Vec<u8> = (0u8..48).map(|i| i.wrapping_mul(37) ^ 0xA5).collect();
    let ia = Command::internal_authenticate(
        AlgorithmReference::ECDSA_SHA384,
        KeyReference::Basic,
        &random,
    )
    .unwrap();
    let before = ch.apdu_count();
    let (rs, s) = send(ch, &ia);
    assert_eq!((rs.len(), s, ch.apdu_count() - before), (96, OK, 2));
    let d = digest::Digest::import_less_safe(&random, &digest::SHA384).unwrap();
    assert!(
        fixed.verify_digest(&d, &rs).is_ok(),
        "aws-lc over the raw digest"
    );
    if openssl_available() {
        let s = Scratch::new("ia");
        let key = s.write("puk.der", &puk_file);
        assert!(openssl_pkeyutl_verify(
            &s,
            &key,
            true,
            &random,
            &rs_to_der(&rs),
            &[]
        ));
        let mut other = random.clone();
        other[0] ^= 1;
        assert!(!openssl_pkeyutl_verify(
            &s,
            &key,
            true,
            &other,
            &rs_to_der(&rs),
            &[]
        ));
    }

    // commons-eid: MSE:SET 02/81 first (must be 9000), then the same command.
    assert_eq!(mse(ch, 0x02, 0x81), OK);
    let (rs, s) = send(ch, &ia);
    assert_eq!((rs.len(), s), (96, OK));
    assert!(fixed.verify_digest(&d, &rs).is_ok());

    // No PIN was ever verified; INTERNAL AUTHENTICATE clears the security environment.
    assert_eq!(pin_status(ch), 0x63C3);
    assert_eq!(verify(ch, PIN), OK);
    assert_eq!(mse(ch, 0x02, 0x82), OK);
    assert_eq!(send(ch, &ia).1, OK);
    assert_eq!(pso(ch, &challenge), Err(0x6985), "SE cleared");

    // Wrong tag / length → 6A80 (spec §8.11).
    let mut wrong_tag = hex("95 30");
    wrong_tag.extend_from_slice(&random);
    assert_eq!(
        sw(ch, &cmd(0x00, 0x88, 0x02, 0x81, &wrong_tag, None)),
        0x6A80
    );
    let short = Command::internal_authenticate(
        AlgorithmReference::ECDSA_SHA384,
        KeyReference::Basic,
        &random[..32],
    )
    .unwrap();
    assert_eq!(sw(ch, &short), 0x6A80);

    // After 5000 uses without a VERIFY: 6985 until the next successful VERIFY (spec §7.5).
    ch.transport_mut().set_internal_authenticate_count(5000);
    assert_eq!(raw(ch, &ia), (vec![], 0x6985));
    assert_eq!(verify(ch, PIN), OK);
    assert_eq!(raw(ch, &ia), (vec![], 0x6160));

    // A kids card has the basic key too.
    let mut kids = fresh(g.kids);
    let (rs, s) = send(&mut kids, &ia);
    assert_eq!((rs.len(), s), (96, OK));
}

// =============================================================================================
// §14.9 files
// =============================================================================================

/// §14.9: read_all parses (citizen and kids); address padded, identity unpadded;
/// certificate files DER + zero padding (spec §2.2); signature files; PuK#1 and tag 1A; the
/// photo hash; PKCS#15 files of spec §11.
fn files(g: Gen) {
    for profile in [g.citizen, g.kids] {
        let mut card = open(profile);
        let contents = card.read_all().unwrap();
        assert_eq!(contents.generation(), g.generation);
        let kids = profile == g.kids;
        assert_eq!(contents.authentication_certificate().is_none(), kids);
        assert_eq!(contents.non_repudiation_certificate().is_none(), kids);
        assert_eq!(contents.basic_public_key().is_some(), g.is_ec());

        let mut ch = Channel::new(card.into_transport());
        // Identity: exact size, no padding.
        let id = full_file(&mut ch, FileId::Identity);
        assert_eq!(beid::tlv::content_len(&id), Some(id.len()));
        assert_ne!(id.last(), Some(&0));
        assert_eq!(Identity::parse(&id).unwrap().raw(), &id[..]);
        // Address: fixed 117 bytes, zero padded.
        let addr = full_file(&mut ch, FileId::Address);
        assert_eq!(addr.len(), 117);
        let content = beid::tlv::content_len(&addr).unwrap();
        assert!(content < addr.len());
        assert!(addr[content..].iter().all(|b| *b == 0));
        assert_eq!(
            Address::parse(&addr).unwrap().without_trailing_zeros(),
            &addr[..content]
        );
        // Photo hash: SHA-256 on 1.7, SHA-384 on 1.8 (spec §7.4).
        let photo = full_file(&mut ch, FileId::Photo);
        let photo_hash = if g.is_ec() {
            &digest::SHA384
        } else {
            &digest::SHA256
        };
        assert_eq!(
            contents.identity().photo_hash(),
            &sha(photo_hash, &photo)[..]
        );
        assert_eq!(contents.photo().jpeg(), &photo[..]);

        // Certificate files: DER + 50 / 1100 zero bytes; absent: 1300 / 2500 zero bytes.
        let (pad, absent) = if g.is_ec() { (1100, 2500) } else { (50, 1300) };
        for f in [
            FileId::AuthenticationCertificate,
            FileId::NonRepudiationCertificate,
            FileId::CaCertificate,
            FileId::RootCertificate,
            FileId::RrnCertificate,
        ] {
            let file = full_file(&mut ch, f);
            let holder = matches!(
                f,
                FileId::AuthenticationCertificate | FileId::NonRepudiationCertificate
            );
            if kids && holder {
                assert_eq!(file, vec![0; absent], "{f:?}");
                assert!(Certificate::is_absent(&file));
                continue;
            }
            let der_len = beid::files::der_len(&file).unwrap();
            assert_eq!(&file[..2], &[0x30, 0x82], "{f:?}");
            assert_eq!(
                der_len,
                usize::from(u16::from_be_bytes([file[2], file[3]])) + 4
            );
            assert_eq!(file.len(), der_len + pad, "{f:?}");
            assert!(file[der_len..].iter().all(|b| *b == 0), "{f:?}");
            let cert = Certificate::parse_file(f, &file).unwrap();
            assert_eq!(cert.der(), &file[..der_len]);
            let ec_key = matches!(cert.key_kind(), beid::files::KeyKind::Ec { .. });
            assert_eq!(ec_key, g.is_ec(), "{f:?} key type");
        }

        // Signature files: RSA 256 bytes; EC DER + zeros, DER length = byte 1 + 2 (§7.2).
        let sgn_id = full_file(&mut ch, FileId::IdentitySignature);
        let sgn_addr = full_file(&mut ch, FileId::AddressSignature);
        assert_eq!(sgn_id.len(), sgn_addr.len());
        if g.is_ec() {
            for sgn in [&sgn_id, &sgn_addr] {
                assert_eq!(sgn[0], 0x30);
                let n = usize::from(sgn[1]) + 2;
                assert!(n < sgn.len());
                assert!(sgn[n..].iter().all(|b| *b == 0));
            }
        } else {
            assert_eq!(sgn_id.len(), 256);
        }

        // PuK#1 (1.8): 120 bytes, SHA-384 = identity tag 1A. 1.7 has neither.
        if g.is_ec() {
            let puk = full_file(&mut ch, FileId::BasicPublicKey);
            assert_eq!(puk.len(), 120);
            assert_eq!(
                contents.identity().basic_key_hash(),
                Some(&sha(&digest::SHA384, &puk)[..])
            );
            assert_eq!(contents.basic_public_key().unwrap().raw(), &puk[..]);
        } else {
            assert_eq!(select_path(&mut ch, &FileId::BasicPublicKey.path()), 0x6A82);
            assert_eq!(contents.identity().basic_key_hash(), None);
        }

        // PKCS#15 (spec §11).
        assert_eq!(
            full_file(&mut ch, FileId::Dir),
            hex(
                "61 23 4F 0C A0 00 00 01 77 50 4B 43 53 2D 31 35 50 06 42 45 4C 50 49 43
                 51 04 3F 00 DF 00 73 05 06 03 60 38 02"
            )
        );
        assert_eq!(
            full_file(&mut ch, FileId::Odf),
            hex(
                "A0 0A 30 08 04 06 3F 00 DF 00 50 35 A4 0A 30 08 04 06 3F 00 DF 00 50 37
                 A8 0A 30 08 04 06 3F 00 DF 00 50 34"
            )
        );
        assert_eq!(
            full_file(&mut ch, FileId::Aodf),
            hex(
                "30 33 30 0F 0C 09 42 61 73 69 63 20 50 49 4E 03 02 06 C0 30 03 04 01 01
                 A1 1B 30 19 03 02 02 0C 0A 01 00 02 01 04 02 01 08 80 01 01 04 01 FF
                 30 04 04 02 3F 00"
            )
        );
        let token = full_file(&mut ch, FileId::TokenInfo);
        assert_eq!(token.len(), 41);
        assert_eq!(&token[..7], &hex("30 27 02 01 00 04 10")[..]);
        assert_eq!(
            &token[23..37],
            &hex("80 06 42 45 4C 50 49 43 03 02 04 30 9E 04")[..]
        );
        assert_eq!(&token[7..23], contents.card_data().serial());
        let cdf = full_file(&mut ch, FileId::Cdf);
        let cdf_entries = cdf_literal(g.is_ec(), !kids);
        assert_eq!(&cdf[..cdf_entries.len()], &cdf_entries[..], "{profile}");
        assert!(cdf[cdf_entries.len()..].iter().all(|b| *b == 0));
        assert_eq!(
            (cdf.len() - cdf_entries.len()) % 2,
            0,
            "even zero padding (§11.7)"
        );
        if g.is_ec() {
            let prkdf = full_file(&mut ch, FileId::Prkdf);
            if !kids {
                assert_eq!(prkdf, prkdf_18_literal());
            }
        }
    }
}

/// EF(CDF) entries of spec §11.7: all four (citizen) or reduced case (b), CA and root only.
fn cdf_literal(ec: bool, holder: bool) -> Vec<u8> {
    let label = |s: &str| s.bytes().map(|b| format!("{b:02X} ")).collect::<String>();
    let (auth, sig, ca, root) = (
        label("Authentication"),
        label("Signature"),
        label("CA"),
        label("Root"),
    );
    let text = if ec {
        format!(
            "30 2F 30 17 0C 0E {auth} 03 02 06 40 04 01 01 30 06 04 01 02 83 01 00 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 38
             30 2A 30 12 0C 09 {sig} 03 02 06 40 04 01 01 30 06 04 01 03 83 01 00 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 39
             |30 26 30 0B 0C 02 {ca} 03 02 06 40 04 01 01 30 09 04 01 04 01 01 FF 83 01 00 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 3A
             30 28 30 0D 0C 04 {root} 03 02 06 40 04 01 01 30 09 04 01 06 01 01 FF 83 01 00 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 3B"
        )
    } else {
        format!(
            "30 2C 30 17 0C 0E {auth} 03 02 06 C0 04 01 01 30 03 04 01 02 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 38
             30 27 30 12 0C 09 {sig} 03 02 06 C0 04 01 01 30 03 04 01 03 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 39
             |30 23 30 0B 0C 02 {ca} 03 02 06 C0 04 01 01 30 06 04 01 04 01 01 FF A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 3A
             30 25 30 0D 0C 04 {root} 03 02 06 C0 04 01 01 30 06 04 01 06 01 01 FF A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 3B"
        )
    };
    let (holders, cas) = text.split_once('|').unwrap();
    let mut out = if holder { hex(holders) } else { Vec::new() };
    out.extend(hex(cas));
    out
}

/// EF(PrKDF) of a 1.8 card, spec §11.6 (120 bytes).
fn prkdf_18_literal() -> Vec<u8> {
    let label = |s: &str| s.bytes().map(|b| format!("{b:02X} ")).collect::<String>();
    hex(&format!(
        "A0 3A 30 17 0C 0E {} 03 02 06 C0 04 01 01
               30 0F 04 01 02 03 02 05 20 03 02 03 B8 02 02 00 82
               A1 0E 30 0C 30 06 04 04 3F 00 DF 00 02 02 01 80
         A0 39 30 15 0C 09 {} 03 02 06 C0 04 01 01 02 01 01
               30 10 04 01 03 03 03 06 00 40 03 02 03 B8 02 02 00 83
               A1 0E 30 0C 30 06 04 04 3F 00 DF 00 02 02 01 80",
        label("Authentication"),
        label("Signature")
    ))
}

// =============================================================================================
// §14.10 identity and address signatures
// =============================================================================================

/// §14.10: the identity file and (trimmed address ‖ full SGN#ID) verify with the RRN
/// certificate read from the card: RSA PKCS#1 SHA-256 on 1.7, ECDSA P-384 SHA-384 (DER) on
/// 1.8 (spec §7.2, §7.3).
fn identity_and_address_signatures(g: Gen) {
    for profile in [g.citizen, g.kids] {
        let mut card = open(profile);
        let contents = card.read_all().unwrap();
        let rrn = contents.rrn_certificate().expect("RRN certificate");
        let spki = rrn.subject_public_key_info_der();
        let identity = contents.raw().file(FileId::Identity).unwrap().to_vec();
        let address = card.read_file(FileId::Address).unwrap();
        let sgn_id = card.read_file(FileId::IdentitySignature).unwrap();
        let sgn_addr = card.read_file(FileId::AddressSignature).unwrap();
        assert_eq!(sgn_id, contents.identity_signature());
        assert_eq!(sgn_addr, contents.address_signature());

        let trimmed = trim_trailing_zeros(&address);
        assert!(trimmed.len() < address.len(), "address is padded");
        let mut address_input = trimmed.to_vec();
        address_input.extend_from_slice(&sgn_id);
        let mut untrimmed_input = address.clone();
        untrimmed_input.extend_from_slice(&sgn_id);

        let (alg, id_sig, addr_sig, hash): (&'static dyn VerificationAlgorithm, _, _, _) =
            if g.is_ec() {
                let der = |s: &[u8]| s[..usize::from(s[1]) + 2].to_vec();
                (
                    &sig::ECDSA_P384_SHA384_ASN1,
                    der(&sgn_id),
                    der(&sgn_addr),
                    "sha384",
                )
            } else {
                (
                    &sig::RSA_PKCS1_2048_8192_SHA256,
                    sgn_id.clone(),
                    sgn_addr.clone(),
                    "sha256",
                )
            };
        let key = UnparsedPublicKey::new(alg, spki);
        assert!(
            key.verify(&identity, &id_sig).is_ok(),
            "{profile}: identity"
        );
        assert!(
            key.verify(&address_input, &addr_sig).is_ok(),
            "{profile}: address"
        );
        // Negative: the documented wrong inputs (spec §7.3).
        assert!(key.verify(&untrimmed_input, &addr_sig).is_err());
        let mut tampered = identity.clone();
        tampered[3] ^= 1;
        assert!(key.verify(&tampered, &id_sig).is_err());
        if g.is_ec() {
            let mut der_only = trimmed.to_vec();
            der_only.extend_from_slice(&id_sig);
            assert!(
                key.verify(&der_only, &addr_sig).is_err(),
                "full SGN#ID, not its DER"
            );
        }

        if openssl_available() {
            let s = Scratch::new("rrn");
            let pubkey = openssl_cert_pubkey(&s, rrn.der());
            assert!(openssl_dgst_verify(&s, &pubkey, hash, &identity, &id_sig));
            assert!(openssl_dgst_verify(
                &s,
                &pubkey,
                hash,
                &address_input,
                &addr_sig
            ));
            assert!(!openssl_dgst_verify(
                &s,
                &pubkey,
                hash,
                &untrimmed_input,
                &addr_sig
            ));
        }
    }
}

// =============================================================================================
// §14.11 every signature algorithm, both holder keys
// =============================================================================================

#[derive(Clone, Copy, Debug)]
enum Hash {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha3_256,
    Sha3_384,
    Sha3_512,
}

impl Hash {
    fn openssl_name(self) -> &'static str {
        match self {
            Hash::Md5 => "md5",
            Hash::Sha1 => "sha1",
            Hash::Sha224 => "sha224",
            Hash::Sha256 => "sha256",
            Hash::Sha384 => "sha384",
            Hash::Sha512 => "sha512",
            Hash::Sha3_256 => "sha3-256",
            Hash::Sha3_384 => "sha3-384",
            Hash::Sha3_512 => "sha3-512",
        }
    }

    /// The digest of `msg`; MD5 only through openssl (`None` without it).
    fn digest(self, msg: &[u8]) -> Option<Vec<u8>> {
        let alg = match self {
            Hash::Md5 => return openssl_available().then(|| openssl_md5(msg)),
            Hash::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Hash::Sha224 => &digest::SHA224,
            Hash::Sha256 => &digest::SHA256,
            Hash::Sha384 => &digest::SHA384,
            Hash::Sha512 => &digest::SHA512,
            Hash::Sha3_256 => &digest::SHA3_256,
            Hash::Sha3_384 => &digest::SHA3_384,
            Hash::Sha3_512 => &digest::SHA3_512,
        };
        Some(sha(alg, msg))
    }
}

/// How aws-lc-rs checks a scheme (over the whole message, hashing it itself).
#[derive(Clone, Copy)]
enum Aws {
    /// Not supported by aws-lc-rs: openssl only.
    None,
    /// The signature as the card returns it (RSA, ECDSA fixed r‖s).
    Plain(&'static dyn VerificationAlgorithm),
    /// ECDSA ASN.1: r‖s converted to DER first.
    Der(&'static dyn VerificationAlgorithm),
}

/// One signature scheme of spec §8.7.
#[derive(Clone, Copy)]
struct Scheme {
    alg: u8,
    name: &'static str,
    hash: Hash,
    /// DigestInfo prefix sent before the hash (1.7 ref `01`).
    digest_info: Option<&'static str>,
    pss: bool,
    aws: Aws,
    /// Pass `-pkeyopt digest:<hash>` to openssl (not for ECDSA "hash not specified").
    openssl_digest: bool,
}

const DI_SHA256: &str = "30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20";
const DI_SHA384: &str = "30 41 30 0D 06 09 60 86 48 01 65 03 04 02 02 05 00 04 30";
const DI_SHA512: &str = "30 51 30 0D 06 09 60 86 48 01 65 03 04 02 03 05 00 04 40";
const DI_SHA1: &str = "30 21 30 09 06 05 2B 0E 03 02 1A 05 00 04 14";

const fn rsa(
    alg: u8,
    name: &'static str,
    hash: Hash,
    digest_info: Option<&'static str>,
    pss: bool,
    aws: Aws,
) -> Scheme {
    Scheme {
        alg,
        name,
        hash,
        digest_info,
        pss,
        aws,
        openssl_digest: true,
    }
}

const fn ec(alg: u8, name: &'static str, hash: Hash, aws: Aws, openssl_digest: bool) -> Scheme {
    Scheme {
        alg,
        name,
        hash,
        digest_info: None,
        pss: false,
        aws,
        openssl_digest,
    }
}

/// Applet 1.7 (RM17 §6.2 table 11); ref `01` with the DigestInfo prefixes hosts send (§8.8).
#[rustfmt::skip]
const RSA_SCHEMES: [Scheme; 9] = [
    rsa(0x01, "PKCS#1, DigestInfo SHA-256", Hash::Sha256, Some(DI_SHA256), false, Aws::Plain(&sig::RSA_PKCS1_2048_8192_SHA256)),
    rsa(0x01, "PKCS#1, DigestInfo SHA-1", Hash::Sha1, Some(DI_SHA1), false, Aws::Plain(&sig::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY)),
    rsa(0x01, "PKCS#1, DigestInfo SHA-384", Hash::Sha384, Some(DI_SHA384), false, Aws::Plain(&sig::RSA_PKCS1_2048_8192_SHA384)),
    rsa(0x01, "PKCS#1, DigestInfo SHA-512", Hash::Sha512, Some(DI_SHA512), false, Aws::Plain(&sig::RSA_PKCS1_2048_8192_SHA512)),
    rsa(0x02, "PKCS#1 SHA-1", Hash::Sha1, None, false, Aws::Plain(&sig::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY)),
    rsa(0x04, "PKCS#1 MD5", Hash::Md5, None, false, Aws::None),
    rsa(0x08, "PKCS#1 SHA-256", Hash::Sha256, None, false, Aws::Plain(&sig::RSA_PKCS1_2048_8192_SHA256)),
    rsa(0x10, "PSS SHA-1", Hash::Sha1, None, true, Aws::None),
    rsa(0x20, "PSS SHA-256", Hash::Sha256, None, true, Aws::Plain(&sig::RSA_PSS_2048_8192_SHA256)),
];

/// Applet 1.8 (RM18 §6.3 table 14), ref `40` with every accepted input length.
#[rustfmt::skip]
const EC_SCHEMES: [Scheme; 11] = [
    ec(0x01, "ECDSA SHA-256", Hash::Sha256, Aws::Der(&sig::ECDSA_P384_SHA256_ASN1), true),
    ec(0x02, "ECDSA SHA-384", Hash::Sha384, Aws::Plain(&sig::ECDSA_P384_SHA384_FIXED), true),
    ec(0x04, "ECDSA SHA-512", Hash::Sha512, Aws::Der(&sig::ECDSA_P384_SHA512_ASN1), true),
    ec(0x08, "ECDSA SHA3-256", Hash::Sha3_256, Aws::None, true),
    ec(0x10, "ECDSA SHA3-384", Hash::Sha3_384, Aws::Plain(&sig::ECDSA_P384_SHA3_384_FIXED), true),
    ec(0x20, "ECDSA SHA3-512", Hash::Sha3_512, Aws::None, true),
    ec(0x40, "ECDSA raw, 20 bytes (SHA-1)", Hash::Sha1, Aws::None, false),
    ec(0x40, "ECDSA raw, 28 bytes (SHA-224)", Hash::Sha224, Aws::None, false),
    ec(0x40, "ECDSA raw, 32 bytes (SHA-256)", Hash::Sha256, Aws::Der(&sig::ECDSA_P384_SHA256_ASN1), false),
    ec(0x40, "ECDSA raw, 48 bytes (SHA-384)", Hash::Sha384, Aws::Plain(&sig::ECDSA_P384_SHA384_FIXED), false),
    ec(0x40, "ECDSA raw, 64 bytes (SHA-512)", Hash::Sha512, Aws::Der(&sig::ECDSA_P384_SHA512_ASN1), false),
];

/// §14.11: every signature algorithm of the generation, with the authentication and the
/// non-repudiation key, verifies against the holder certificate read from the card — with
/// aws-lc-rs where it supports the scheme and with `openssl pkeyutl` (spec §8.7, §8.8).
fn every_algorithm_both_keys(g: Gen) {
    let schemes: &[Scheme] = if g.is_ec() { &EC_SCHEMES } else { &RSA_SCHEMES };
    let mut card = open(g.citizen);
    let certs = [
        (
            0x82u8,
            card_certificate(&mut card, FileId::AuthenticationCertificate),
        ),
        (
            0x83u8,
            card_certificate(&mut card, FileId::NonRepudiationCertificate),
        ),
    ];
    let ch = card.channel();
    assert_eq!(
        select_path(ch, &[0x3F, 0x00, 0xDF, 0x00]),
        OK,
        "eid-mw selects DF00 first"
    );
    assert_eq!(verify(ch, PIN), OK, "the authentication key: PIN once");
    let mut checked_with_openssl = 0;
    let mut checked_with_aws = 0;
    for (key, cert) in &certs {
        let spki = cert.subject_public_key_info_der();
        let scratch = openssl_available().then(|| Scratch::new("alg"));
        let pubkey = scratch.as_ref().map(|s| openssl_cert_pubkey(s, cert.der()));
        for scheme in schemes {
            let what = format!(
                "{:?} key {key:02X} alg {:02X} {}",
                g.generation, scheme.alg, scheme.name
            );
            let msg = format!("checklist message for {what}");
            let Some(digest) = scheme.hash.digest(msg.as_bytes()) else {
                eprintln!("notice: {what}: no MD5 without openssl, skipped");
                continue;
            };
            let mut dtbs = scheme.digest_info.map(hex).unwrap_or_default();
            dtbs.extend_from_slice(&digest);

            assert_eq!(mse(ch, scheme.alg, *key), OK, "{what}");
            if *key == 0x83 {
                assert_eq!(verify(ch, PIN), OK, "{what}: PIN just before");
            }
            let sig = pso(ch, &dtbs).unwrap_or_else(|s| panic!("{what}: {s:04X}"));
            assert_eq!(sig.len(), g.sig_len, "{what}");

            match scheme.aws {
                Aws::None => {}
                Aws::Plain(alg) | Aws::Der(alg) => {
                    let sig = if matches!(scheme.aws, Aws::Der(_)) {
                        rs_to_der(&sig)
                    } else {
                        sig.clone()
                    };
                    let k = UnparsedPublicKey::new(alg, spki);
                    assert!(k.verify(msg.as_bytes(), &sig).is_ok(), "{what}: aws-lc-rs");
                    assert!(
                        k.verify(b"another message", &sig).is_err(),
                        "{what}: aws-lc-rs negative"
                    );
                    checked_with_aws += 1;
                }
            }

            if let (Some(s), Some(pubkey)) = (&scratch, &pubkey) {
                let mut opts = Vec::new();
                if !g.is_ec() {
                    if scheme.pss {
                        opts.push("rsa_padding_mode:pss".to_owned());
                        opts.push("rsa_pss_saltlen:digest".to_owned());
                    } else {
                        opts.push("rsa_padding_mode:pkcs1".to_owned());
                    }
                }
                if scheme.openssl_digest {
                    opts.push(format!("digest:{}", scheme.hash.openssl_name()));
                }
                let sig = if g.is_ec() {
                    rs_to_der(&sig)
                } else {
                    sig.clone()
                };
                assert!(
                    openssl_pkeyutl_verify(s, pubkey, false, &digest, &sig, &opts),
                    "{what}: openssl"
                );
                // The first byte: P-384 ECDSA ignores bytes of a 64-byte hash after the 48th.
                let mut wrong = digest.clone();
                wrong[0] ^= 0x01;
                assert!(
                    !openssl_pkeyutl_verify(s, pubkey, false, &wrong, &sig, &opts),
                    "{what}: openssl negative"
                );
                checked_with_openssl += 1;
            }
        }
    }
    let aws_expected = schemes
        .iter()
        .filter(|s| !matches!(s.aws, Aws::None))
        .count()
        * 2;
    assert_eq!(checked_with_aws, aws_expected);
    if openssl_available() {
        assert_eq!(
            checked_with_openssl,
            schemes.len() * 2,
            "every scheme checked with openssl"
        );
    }
}

// =============================================================================================
// The tests of both generations
// =============================================================================================

both_generations!(
    atr_and_power_on_state,
    select_by_aid,
    select_by_path,
    select_by_fid,
    read_binary_rules,
    every_file_with_every_host_chunk,
    case4_and_get_response,
    get_card_data,
    verify_counter_and_blocking,
    pin_lengths,
    change_reference_data,
    rights_are_cleared,
    mse_set_tables,
    pso_preconditions,
    pin_access_modes,
    mixed_mode_examples,
    get_challenge,
    files,
    identity_and_address_signatures,
    every_algorithm_both_keys,
);
