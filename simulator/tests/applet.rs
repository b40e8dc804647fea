//! The virtual card's applet at APDU level: every item of the spec §14 checklist, positive and
//! negative, for both generations; the four reader flows of spec §13 byte by byte; faults,
//! transcripts, the in-process transport and the vpcd bridge.

// Test helpers outside `#[test]` functions: clippy.toml's test allowances do not reach them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::signature::{self, UnparsedPublicKey};
use beid::apdu::StatusWord;
use beid::transport::Transport;
use beid::{FileId, Generation, Pin, TransportFailure};
use beid_simulator::keys::{KeyFamily, SigningKey, TestKeyRole, test_key};
use beid_simulator::{
    CardImage, CardKeys, Faults, Latency, RecordingTransport, ReplayTransport, Transcript,
    TranscriptEntry, VirtualCard,
};

// ----- a hand-made card ---------------------------------------------------------------------

const ATR17: [u8; 13] = [
    0x3B, 0x98, 0x13, 0x40, 0x0A, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x11,
];
const ATR18: [u8; 20] = [
    0x3B, 0x7F, 0x96, 0x00, 0x00, 0x80, 0x31, 0x80, 0x65, 0xB0, 0x85, 0x04, 0x01, 0x20, 0x12, 0x0F,
    0xFF, 0x82, 0x90, 0x00,
];
const GENS: [Generation; 2] = [Generation::Applet17, Generation::Applet18];

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) | 1)
        .collect()
}

/// A DER-looking certificate of `der_len` bytes followed by `pad` zero bytes (spec §2.2).
fn fake_cert(der_len: usize, pad: usize, seed: u8) -> Vec<u8> {
    let body = der_len - 4;
    let mut v = vec![0x30, 0x82, (body >> 8) as u8, body as u8];
    v.extend(pattern(body, seed));
    v.extend(std::iter::repeat_n(0, pad));
    v
}

/// Identity TLV with tags 01..=12, 18-byte values: 18 × 20 = 360 bytes (READ RECORD output
/// chaining needs more than 256).
fn identity_tlv() -> Vec<u8> {
    let mut v = Vec::new();
    for tag in 1u8..=0x12 {
        v.push(tag);
        v.push(18);
        v.extend(pattern(18, tag));
    }
    v
}

fn address_tlv() -> Vec<u8> {
    let mut v = Vec::new();
    for (tag, text) in [
        (1u8, &b"Rue de la Loi 16"[..]),
        (2, b"1000"),
        (3, b"Bruxelles"),
    ] {
        v.push(tag);
        v.push(text.len() as u8);
        v.extend_from_slice(text);
    }
    v.resize(117, 0);
    v
}

fn family(generation: Generation) -> KeyFamily {
    KeyFamily::for_generation(generation).unwrap()
}

fn image(generation: Generation) -> CardImage {
    let ec = generation.is_ec();
    let fam = family(generation);
    let pad = if ec { 1100 } else { 50 };
    let basic = ec.then(|| test_key(KeyFamily::Ec, TestKeyRole::Basic).unwrap());
    let mut files: BTreeMap<FileId, Arc<Vec<u8>>> = BTreeMap::new();
    let mut put = |id: FileId, bytes: Vec<u8>| {
        files.insert(id, Arc::new(bytes));
    };
    put(FileId::Dir, pattern(37, 1));
    put(FileId::Odf, pattern(36, 2));
    put(FileId::TokenInfo, pattern(41, 3));
    put(FileId::Aodf, pattern(53, 4));
    put(FileId::Prkdf, pattern(if ec { 120 } else { 119 }, 5));
    put(FileId::Cdf, pattern(163, 6)); // 0xA3: the spec §13.1 example
    put(FileId::AuthenticationCertificate, fake_cert(1000, pad, 7));
    put(FileId::NonRepudiationCertificate, fake_cert(1010, pad, 8));
    put(FileId::CaCertificate, fake_cert(1200, pad, 9));
    put(FileId::RootCertificate, fake_cert(1400, pad, 10));
    put(FileId::RrnCertificate, fake_cert(900, pad, 11));
    put(FileId::Identity, identity_tlv());
    put(FileId::IdentitySignature, pattern(256, 12));
    put(FileId::Address, address_tlv());
    put(FileId::AddressSignature, pattern(256, 13));
    put(FileId::Photo, pattern(3000, 14));
    if let Some(b) = &basic {
        put(FileId::BasicPublicKey, b.spki().to_vec());
    } else {
        put(FileId::CaRoleKeyHash, pattern(20, 15));
        put(FileId::Preferences, pattern(100, 16));
    }
    let mut card_data = [0u8; 28];
    card_data[..16].copy_from_slice(b"SLIN3f\x00\x29\x6C\xFF\x27\x8E\x44\x19\x20\x25");
    card_data[16..].copy_from_slice(&if ec {
        [
            0xD0, 0x01, 0x02, 0x03, 0x04, 0x18, 0x00, 0x01, 0x00, 0x00, 0x02, 0x0F,
        ]
    } else {
        [
            0xD0, 0x01, 0x02, 0x03, 0x04, 0x17, 0x00, 0x03, 0x00, 0x21, 0x01, 0x0F,
        ]
    });
    CardImage {
        generation,
        atr: if ec { ATR18.to_vec() } else { ATR17.to_vec() },
        card_data,
        files,
        pin: Pin::new("1234").unwrap(),
        pin_tries_left: 3,
        keys: CardKeys {
            authentication: Some(test_key(fam, TestKeyRole::Authentication).unwrap()),
            non_repudiation: Some(test_key(fam, TestKeyRole::NonRepudiation).unwrap()),
            basic,
        },
    }
}

fn card(generation: Generation) -> VirtualCard {
    VirtualCard::from_image(image(generation))
}

fn file(card: &VirtualCard, id: FileId) -> Vec<u8> {
    card.image().files[&id].as_ref().clone()
}

// ----- APDU helpers -------------------------------------------------------------------------

fn h(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Send, return (data, SW).
fn x(card: &mut VirtualCard, apdu: &[u8]) -> (Vec<u8>, u16) {
    let r = card.transmit_apdu(apdu);
    assert!(r.len() >= 2, "no answer to {apdu:02X?}");
    let (data, sw) = r.split_at(r.len() - 2);
    (data.to_vec(), u16::from_be_bytes([sw[0], sw[1]]))
}

fn xh(card: &mut VirtualCard, apdu: &str) -> (Vec<u8>, u16) {
    x(card, &h(apdu))
}

fn sw(card: &mut VirtualCard, apdu: &str) -> u16 {
    xh(card, apdu).1
}

fn with_lc(header: &str, data: &[u8]) -> Vec<u8> {
    let mut v = h(header);
    v.push(data.len() as u8);
    v.extend_from_slice(data);
    v
}

fn verify_apdu(pin: &str) -> Vec<u8> {
    with_lc("00 20 00 01", Pin::new(pin).unwrap().block().as_bytes())
}

fn verify(card: &mut VirtualCard, pin: &str) -> u16 {
    x(card, &verify_apdu(pin)).1
}

fn mse(card: &mut VirtualCard, alg: u8, key: u8) -> u16 {
    x(
        card,
        &[0x00, 0x22, 0x41, 0xB6, 0x05, 0x04, 0x80, alg, 0x84, key],
    )
    .1
}

/// PSO:CDS then GET RESPONSE (Le = SW2). Err(sw) when the PSO is refused.
fn pso(card: &mut VirtualCard, dtbs: &[u8]) -> Result<Vec<u8>, u16> {
    let (data, sw) = x(card, &with_lc("00 2A 9E 9A", dtbs));
    assert!(data.is_empty());
    if sw >> 8 != 0x61 {
        return Err(sw);
    }
    Ok(fetch(card, sw))
}

/// Follow a 61xx chain with GET RESPONSE Le = SW2.
fn fetch(card: &mut VirtualCard, mut sw: u16) -> Vec<u8> {
    let mut out = Vec::new();
    while sw >> 8 == 0x61 {
        let (d, s) = x(card, &[0x00, 0xC0, 0x00, 0x00, sw as u8]);
        out.extend(d);
        sw = s;
    }
    assert_eq!(sw, 0x9000);
    out
}

fn select_path(card: &mut VirtualCard, path: &[u8]) -> u16 {
    x(card, &with_lc("00 A4 08 0C", path)).1
}

fn sha256(m: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA256, m).as_ref().to_vec()
}
fn sha384(m: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA384, m).as_ref().to_vec()
}
fn sha1(m: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, m)
        .as_ref()
        .to_vec()
}

const SHA256_DI: &str = "30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20";
const SHA384_DI: &str = "30 41 30 0D 06 09 60 86 48 01 65 03 04 02 02 05 00 04 30";

fn spki_bits(key: &SigningKey) -> Vec<u8> {
    use der::Decode;
    let info = spki::SubjectPublicKeyInfoRef::from_der(key.spki()).unwrap();
    info.subject_public_key.raw_bytes().to_vec()
}

fn rsa_ok(params: &'static signature::RsaParameters, key: &SigningKey, msg: &[u8], sig: &[u8]) {
    UnparsedPublicKey::new(params, spki_bits(key))
        .verify(msg, sig)
        .expect("RSA signature verifies");
}

/// ECDSA P-384 over `digest` used as the hash value (left-padded / truncated to 48 bytes).
fn ec_digest_ok(key: &SigningKey, digest_bytes: &[u8], sig: &[u8]) {
    ec_spki_ok(key.spki(), digest_bytes, sig);
}

/// Same, with the public key given as a DER SubjectPublicKeyInfo (e.g. EF(PuK#1)).
fn ec_spki_ok(spki_der: &[u8], digest_bytes: &[u8], sig: &[u8]) {
    use der::Decode;
    let info = spki::SubjectPublicKeyInfoRef::from_der(spki_der).unwrap();
    let point = info.subject_public_key.raw_bytes().to_vec();
    let mut e = [0u8; 48];
    if digest_bytes.len() >= 48 {
        e.copy_from_slice(&digest_bytes[..48]);
    } else {
        e[48 - digest_bytes.len()..].copy_from_slice(digest_bytes);
    }
    let d = Digest::import_less_safe(&e, &digest::SHA384).unwrap();
    UnparsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, point)
        .verify_digest(&d, sig)
        .expect("ECDSA signature verifies");
}

fn auth_key(card: &VirtualCard) -> Arc<SigningKey> {
    card.image().keys.authentication.clone().unwrap()
}
fn nonrep_key(card: &VirtualCard) -> Arc<SigningKey> {
    card.image().keys.non_repudiation.clone().unwrap()
}

/// A typical DTBS for the generation: SHA-256 bare hash (1.7 alg 08) or SHA-384 (1.8 alg 02).
fn default_alg(generation: Generation) -> (u8, Vec<u8>) {
    if generation.is_ec() {
        (0x02, sha384(b"message"))
    } else {
        (0x08, sha256(b"message"))
    }
}

fn check_default_sig(generation: Generation, key: &SigningKey, sig: &[u8]) {
    if generation.is_ec() {
        assert_eq!(sig.len(), 96);
        ec_digest_ok(key, &sha384(b"message"), sig);
    } else {
        assert_eq!(sig.len(), 256);
        rsa_ok(&signature::RSA_PKCS1_2048_8192_SHA256, key, b"message", sig);
    }
}

/// Sign with `key` (82/83) using the generation's default algorithm; MSE:SET first.
fn sign_with(card: &mut VirtualCard, key: u8) -> Result<Vec<u8>, u16> {
    let (alg, dtbs) = default_alg(card.generation());
    assert_eq!(mse(card, alg, key), 0x9000);
    pso(card, &dtbs)
}

// ----- §14.1 ATR, power-on state ------------------------------------------------------------

#[test]
fn virtual_card_is_send() {
    fn assert_send<T: Send + 'static>() {}
    assert_send::<VirtualCard>();
    assert_send::<beid_simulator::VpcdBridge>();
}

#[test]
fn atr_per_generation_and_power_on_state() {
    for g in GENS {
        let mut c = card(g);
        let expected: &[u8] = if g.is_ec() { &ATR18 } else { &ATR17 };
        assert_eq!(c.atr(), expected);
        assert_eq!(Transport::atr(&c), Some(expected));
        // applet selected, MF current, no EF
        assert_eq!(sw(&mut c, "00 B0 00 00 10"), 0x6986);
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 50 37"), 0x6A82);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 2F 00"), 0x9000);
        assert_eq!(xh(&mut c, "00 B0 00 00 25").0, file(&c, FileId::Dir));
    }
}

// ----- §14.2 SELECT -------------------------------------------------------------------------

const APPLET_AID: &str = "A0 00 00 00 30 29 05 70 00 AD 13 10 01 01 FF";
const PKCS15_AID: &str = "A0 00 00 01 77 50 4B 43 53 2D 31 35";
const ID_AID: &str = "A0 00 00 01 77 49 64 46 69 6C 65 73";

#[test]
fn select_by_aid() {
    for g in GENS {
        let mut c = card(g);
        // eid-mw: P2=00, must be exactly 90 00 (no FCI)
        assert_eq!(
            c.transmit_apdu(&h(&format!("00 A4 04 00 0F {APPLET_AID}"))),
            [0x90, 0x00]
        );
        assert_eq!(sw(&mut c, &format!("00 A4 04 0C 0F {APPLET_AID}")), 0x9000);
        assert_eq!(sw(&mut c, &format!("00 A4 04 04 0F {APPLET_AID}")), 0x6A86);
        // PKCS#15 AID → DF00 current
        assert_eq!(sw(&mut c, &format!("00 A4 04 0C 0C {PKCS15_AID}")), 0x9000);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 50 37"), 0x9000);
        assert_eq!(sw(&mut c, &format!("00 A4 04 00 0C {PKCS15_AID}")), 0x6A86);
        // DF(ID) AID → DF01 current
        assert_eq!(sw(&mut c, &format!("00 A4 04 0C 0C {ID_AID}")), 0x9000);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 40 31"), 0x9000);
        // unknown AID
        assert_eq!(sw(&mut c, "00 A4 04 0C 05 A0 00 00 00 01"), 0x6A82);
        // re-selecting the applet makes the MF current again
        assert_eq!(sw(&mut c, &format!("00 A4 04 00 0F {APPLET_AID}")), 0x9000);
        assert_eq!(sw(&mut c, "00 B0 00 00 01"), 0x6986);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 40 31"), 0x6A82);
        // empty AID selects the card manager; the applet is back after its AID
        assert_eq!(sw(&mut c, "00 A4 04 00"), 0x9000);
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x6D00);
        assert_eq!(sw(&mut c, &format!("00 A4 04 0C 0C {PKCS15_AID}")), 0x6A82);
        assert_eq!(sw(&mut c, &format!("00 A4 04 00 0F {APPLET_AID}")), 0x9000);
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
        // so is a reset
        assert_eq!(sw(&mut c, "00 A4 04 0C"), 0x9000);
        c.reset();
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
    }
}

#[test]
fn select_by_path() {
    for g in GENS {
        let mut c = card(g);
        for path in ["3F00 DF01 4031", "DF01 4031"] {
            assert_eq!(select_path(&mut c, &h(path)), 0x9000, "{path}");
            assert_eq!(
                xh(&mut c, "00 B0 00 00 10").0,
                file(&c, FileId::Identity)[..16]
            );
        }
        // 3F00 alone → MF (no current EF)
        assert_eq!(select_path(&mut c, &h("3F00")), 0x9000);
        assert_eq!(sw(&mut c, "00 B0 00 00 10"), 0x6986);
        assert_eq!(select_path(&mut c, &h("3F00 2F00")), 0x9000);
        assert_eq!(select_path(&mut c, &h("2F00")), 0x9000);
        assert_eq!(select_path(&mut c, &h("3F00 DF00")), 0x9000);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 50 38"), 0x9000);
        // after an EF its parent DF is current
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 50 39"), 0x9000);
        // wrong DF, EF in the middle, absent files
        assert_eq!(select_path(&mut c, &h("3F00 DF00 4031")), 0x6A82);
        assert_eq!(select_path(&mut c, &h("2F00 5031")), 0x6A82);
        assert_eq!(select_path(&mut c, &h("3F00 DF00 5036")), 0x6A82);
        let absent = if g.is_ec() { "DF01 4038" } else { "DF01 4040" };
        assert_eq!(select_path(&mut c, &h(absent)), 0x6A82);
        assert_eq!(select_path(&mut c, &h("3F00 3F00")), 0x6A82);
        // a failed select leaves the current EF alone
        assert_eq!(sw(&mut c, "00 B0 00 00 04"), 0x9000);
        // odd / empty path, wrong P2, unknown P1
        assert_eq!(select_path(&mut c, &h("3F 00 DF")), 0x6A87);
        assert_eq!(sw(&mut c, "00 A4 08 0C"), 0x6A87);
        assert_eq!(sw(&mut c, "00 A4 08 00 04 3F 00 2F 00"), 0x6A86);
        assert_eq!(sw(&mut c, "00 A4 08 04 04 3F 00 2F 00"), 0x6A86);
        assert_eq!(sw(&mut c, "00 A4 09 0C 04 3F 00 2F 00"), 0x6A86);
        // SELECT never returns FCI, even when the host asks for data
        assert_eq!(
            c.transmit_apdu(&h("00 A4 08 0C 04 3F 00 2F 00 00")),
            [0x90, 0x00]
        );
    }
}

#[test]
fn select_by_fid() {
    for g in GENS {
        let mut c = card(g);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 50 37"), 0x6A82);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 DF 01"), 0x9000);
        assert_eq!(
            sw(&mut c, "00 A4 02 0C 02 DF 00"),
            0x6A82,
            "DF00 is not a child of DF01"
        );
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 40 35"), 0x9000);
        assert_eq!(
            sw(&mut c, "00 A4 02 0C 02 40 31"),
            0x9000,
            "sibling of the current EF"
        );
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 50 38"), 0x6A82);
        assert_eq!(
            sw(&mut c, "00 A4 02 0C 02 3F 00"),
            0x9000,
            "3F00 always selects the MF"
        );
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 DF 00"), 0x9000);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 3F 00"), 0x9000);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 2F 00"), 0x9000);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 12 34"), 0x6A82);
        assert_eq!(sw(&mut c, "00 A4 02 0C 03 3F 00 00"), 0x6A87);
        assert_eq!(sw(&mut c, "00 A4 02 0C"), 0x6A87);
        assert_eq!(sw(&mut c, "00 A4 02 00 02 3F 00"), 0x6A86);
        assert_eq!(
            sw(&mut c, "00 A4 02 0C 05 3F 00"),
            0x6700,
            "Lc inconsistent with data"
        );
    }
}

// ----- §14.3 READ BINARY --------------------------------------------------------------------

#[test]
fn read_binary_rules() {
    for g in GENS {
        let mut c = card(g);
        assert_eq!(sw(&mut c, "00 B0 00 00 00"), 0x6986, "no current EF");
        assert_eq!(select_path(&mut c, &h("3F00 DF01 4035")), 0x9000);
        let photo = file(&c, FileId::Photo);
        // Le 00 = 256
        let (d, s) = xh(&mut c, "00 B0 00 00 00");
        assert_eq!((d.as_slice(), s), (&photo[..256], 0x9000));
        // absent Le is P3 = 00 on T=0
        assert_eq!(xh(&mut c, "00 B0 00 00").0.len(), 256);
        // offset + Le > size → 6C (size − offset)
        let off = photo.len() - 10;
        let cmd = [0x00, 0xB0, (off >> 8) as u8, off as u8, 0xFC];
        assert_eq!(x(&mut c, &cmd).1, 0x6C0A);
        let cmd = [0x00, 0xB0, (off >> 8) as u8, off as u8, 0x0A];
        assert_eq!(x(&mut c, &cmd), (photo[off..].to_vec(), 0x9000));
        // offset ≥ size → 6B00
        let end = photo.len();
        assert_eq!(
            x(&mut c, &[0x00, 0xB0, (end >> 8) as u8, end as u8, 0x01]).1,
            0x6B00
        );
        assert_eq!(sw(&mut c, "00 B0 7F FF 01"), 0x6B00);
        // P1 bit 8 (SFI form) is not supported
        assert_eq!(sw(&mut c, "00 B0 80 00 01"), 0x6B00);
        // no PIN needed for any file
        for id in FileId::ALL {
            if !c.image().files.contains_key(&id) {
                continue;
            }
            let mut path = vec![0x3F, 0x00];
            path.extend_from_slice(&id.path());
            assert_eq!(select_path(&mut c, &path), 0x9000, "{id}");
            assert_eq!(read_loop(&mut c, 0xFC), file(&c, id), "{id}");
        }
    }
}

/// Read the current EF with chunks of `le` (00 = 256), 6Cxx re-send, stop on a short answer or
/// 6B00 (the union of the readers' rules).
fn read_loop(card: &mut VirtualCard, le: u8) -> Vec<u8> {
    let want = if le == 0 { 256 } else { usize::from(le) };
    let mut out = Vec::new();
    loop {
        let off = out.len();
        let mut cmd = vec![0x00, 0xB0, (off >> 8) as u8, off as u8, le];
        let (mut d, mut s) = x(card, &cmd);
        if s >> 8 == 0x6C {
            cmd[4] = s as u8;
            (d, s) = x(card, &cmd);
            assert_eq!(s, 0x9000);
            out.extend(d);
            return out;
        }
        if s == 0x6B00 && off > 0 {
            return out;
        }
        assert_eq!(s, 0x9000);
        let short = d.len() < want;
        out.extend(d);
        if short {
            return out;
        }
    }
}

// ----- §14.4 case-4 outputs, GET RESPONSE ---------------------------------------------------

#[test]
fn get_response_rules() {
    for g in GENS {
        let mut c = card(g);
        assert_eq!(sw(&mut c, "00 C0 00 00 10"), 0x6985, "nothing pending");
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        let (alg, dtbs) = default_alg(g);
        assert_eq!(mse(&mut c, alg, 0x82), 0x9000);
        let (d, s) = x(&mut c, &with_lc("00 2A 9E 9A", &dtbs));
        assert!(d.is_empty());
        let total = if g.is_ec() { 96 } else { 256 };
        assert_eq!(s, 0x6100 | (total & 0xFF), "61 60 or 61 00");
        // Le larger than what is left → 6C xx, chain not aborted (RM18 §6.1)
        if g.is_ec() {
            assert_eq!(sw(&mut c, "00 C0 00 00 61"), 0x6C60);
            assert_eq!(sw(&mut c, "00 C0 00 00 00"), 0x6C60);
        }
        // a smaller Le takes part of the data, 61 xx announces the rest
        let (first, s) = xh(&mut c, "00 C0 00 00 20");
        assert_eq!(first.len(), 32);
        assert_eq!(s, 0x6100 | ((total - 32) & 0xFF));
        let (rest, s) = x(&mut c, &[0x00, 0xC0, 0x00, 0x00, s as u8]);
        assert_eq!(s, 0x9000);
        let mut sig = first;
        sig.extend(rest);
        check_default_sig(g, &auth_key(&c), &sig);
        assert_eq!(sw(&mut c, "00 C0 00 00 10"), 0x6985, "chain consumed");
        // any other command discards pending data
        let s = x(&mut c, &with_lc("00 2A 9E 9A", &dtbs)).1;
        assert_eq!(s >> 8, 0x61);
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
        assert_eq!(sw(&mut c, "00 C0 00 00 10"), 0x6985);
        let s = x(&mut c, &with_lc("00 2A 9E 9A", &dtbs)).1;
        assert_eq!(s >> 8, 0x61);
        assert_eq!(sw(&mut c, "00 C0 01 00 10"), 0x6B00);
        assert_eq!(sw(&mut c, "00 C0 00 00 10"), 0x6985);
        assert_eq!(sw(&mut c, "80 C0 00 00 10"), 0x6E00);
    }
}

// ----- §14.5 GET CARD DATA ------------------------------------------------------------------

#[test]
fn get_card_data_rules() {
    for g in GENS {
        let mut c = card(g);
        let cd = c.image().card_data;
        assert_eq!(xh(&mut c, "80 E4 00 00 1C"), (cd.to_vec(), 0x9000));
        assert_eq!(cd[21], g.applet_version());
        for le in ["FF", "10", "00", "1D", ""] {
            assert_eq!(sw(&mut c, &format!("80 E4 00 00 {le}")), 0x6C1C, "Le {le}");
        }
        assert_eq!(sw(&mut c, "80 E4 01 00 1C"), 0x6B00);
        assert_eq!(sw(&mut c, "80 E4 02 00 9C"), 0x6B00);
        assert_eq!(sw(&mut c, "80 E4 00 02 1C"), 0x6B00);
        assert_eq!(sw(&mut c, "00 E4 00 00 1C"), 0x6E00);
        if g.is_ec() {
            let (d, s) = xh(&mut c, "80 E4 00 01 1F");
            assert_eq!(s, 0x9000);
            assert_eq!(&d[..28], &cd);
            assert_eq!(&d[28..], &[0x03, 0xFF, 0xFF]);
            assert_eq!(sw(&mut c, "80 E4 00 01 FF"), 0x6C1F);
            assert_eq!(sw(&mut c, "80 E4 00 01 1C"), 0x6C1F);
            // live PIN counter
            assert_eq!(verify(&mut c, "0000"), 0x63C2);
            assert_eq!(xh(&mut c, "80 E4 00 01 1F").0[28], 2);
        } else {
            assert_eq!(sw(&mut c, "80 E4 00 01 1F"), 0x6B00);
        }
    }
}

// ----- §14.6 PIN ----------------------------------------------------------------------------

#[test]
fn verify_wrong_pin_down_to_blocked() {
    for g in GENS {
        let mut c = card(g);
        assert_eq!(
            sw(&mut c, "00 20 00 01"),
            0x63C3,
            "empty VERIFY reports, spends nothing"
        );
        assert_eq!(verify(&mut c, "0000"), 0x63C2);
        assert_eq!(sw(&mut c, "00 20 00 01"), 0x63C2);
        assert_eq!(sw(&mut c, "00 20 00 01 00"), 0x63C2, "P3 = 00 form");
        assert_eq!(verify(&mut c, "1234"), 0x9000, "success resets the counter");
        assert_eq!(c.pin_tries_left(), 3);
        assert_eq!(sw(&mut c, "00 20 00 01"), 0x9000, "verified");
        assert_eq!(verify(&mut c, "12345"), 0x63C2);
        assert_eq!(
            sw(&mut c, "00 20 00 01"),
            0x63C2,
            "a failed VERIFY clears the right"
        );
        assert_eq!(verify(&mut c, "999999"), 0x63C1);
        assert_eq!(verify(&mut c, "123456789012"), 0x63C0);
        assert_eq!(verify(&mut c, "1234"), 0x6983, "blocked");
        assert_eq!(sw(&mut c, "00 20 00 01"), 0x6983);
        assert_eq!(c.pin_tries_left(), 0);
        assert_eq!(Err(0x6982), sign_with(&mut c, 0x82));
        // the counter survives a reset
        c.reset();
        assert_eq!(verify(&mut c, "1234"), 0x6983);
        c.unblock_pin();
        assert_eq!(verify(&mut c, "1234"), 0x9000);
    }
}

#[test]
fn verify_malformed_and_wrong_parameters() {
    for g in GENS {
        let mut c = card(g);
        // malformed blocks: 6A80, no try spent
        for block in [
            "20 FF FF FF FF FF FF FF", // PIN-pad template, length 0
            "23 12 3F FF FF FF FF FF", // 3 digits
            "24 12 3A FF FF FF FF FF", // non-BCD digit
            "24 12 34 FF FF FF FF F0", // fill nibble not F
            "14 12 34 FF FF FF FF FF", // control nibble not 2
            "2D 12 34 56 78 90 12 3F", // 13 digits
        ] {
            assert_eq!(
                x(&mut c, &with_lc("00 20 00 01", &h(block))).1,
                0x6A80,
                "{block}"
            );
        }
        assert_eq!(c.pin_tries_left(), 3);
        assert_eq!(sw(&mut c, "00 20 00 01 07 24 12 34 FF FF FF FF"), 0x6700);
        assert_eq!(
            sw(&mut c, "00 20 00 01 09 24 12 34 FF FF FF FF FF FF"),
            0x6700
        );
        assert_eq!(sw(&mut c, "00 20 01 01 08 24 12 34 FF FF FF FF FF"), 0x6A86);
        assert_eq!(sw(&mut c, "00 20 00 00 08 24 12 34 FF FF FF FF FF"), 0x6A86);
        assert_eq!(sw(&mut c, "00 20 00 02 08 24 12 34 FF FF FF FF FF"), 0x6A88);
        assert_eq!(sw(&mut c, "00 20 00 83 08 24 12 34 FF FF FF FF FF"), 0x6A88);
        assert_eq!(c.pin_tries_left(), 3);
    }
}

#[test]
fn change_reference_data() {
    for g in GENS {
        let mut c = card(g);
        let old = Pin::new("1234").unwrap().block();
        let new = Pin::new("567890").unwrap().block();
        let change = |o: &[u8], n: &[u8]| {
            let mut d = o.to_vec();
            d.extend_from_slice(n);
            with_lc("00 24 00 01", &d)
        };
        // wrong current PIN costs a try
        let wrong = Pin::new("4321").unwrap().block();
        assert_eq!(
            x(&mut c, &change(wrong.as_bytes(), new.as_bytes())).1,
            0x63C2
        );
        // malformed new PIN: 6A80, no try
        assert_eq!(
            x(
                &mut c,
                &change(old.as_bytes(), &h("20 FF FF FF FF FF FF FF"))
            )
            .1,
            0x6A80
        );
        assert_eq!(c.pin_tries_left(), 2);
        assert_eq!(x(&mut c, &with_lc("00 24 00 01", old.as_bytes())).1, 0x6700);
        assert_eq!(
            x(&mut c, &change(old.as_bytes(), &new.as_bytes()[..7])).1,
            0x6700
        );
        assert_eq!(x(&mut c, &with_lc("00 24 01 01", &[0; 16])).1, 0x6A86);
        assert_eq!(x(&mut c, &with_lc("00 24 00 02", &[0; 16])).1, 0x6A88);
        // success: new PIN in force, counter reset, authentication right granted
        assert_eq!(x(&mut c, &change(old.as_bytes(), new.as_bytes())).1, 0x9000);
        assert_eq!(c.pin_tries_left(), 3);
        assert!(sign_with(&mut c, 0x82).is_ok());
        assert_eq!(
            sign_with(&mut c, 0x83),
            Err(0x6982),
            "no non-repudiation window"
        );
        c.reset();
        assert_eq!(verify(&mut c, "1234"), 0x63C2);
        assert_eq!(verify(&mut c, "567890"), 0x9000);
        // blocked: 6983
        for _ in 0..3 {
            verify(&mut c, "0000");
        }
        assert_eq!(x(&mut c, &change(new.as_bytes(), old.as_bytes())).1, 0x6983);
    }
}

#[test]
fn log_off_clears_rights() {
    for g in GENS {
        let mut c = card(g);
        for form in ["80 E6 00 00", "80 E6 00 00 00"] {
            assert_eq!(verify(&mut c, "1234"), 0x9000);
            assert!(sign_with(&mut c, 0x82).is_ok());
            assert_eq!(sw(&mut c, form), 0x9000);
            assert_eq!(sw(&mut c, "00 20 00 01"), 0x63C3);
            assert_eq!(sign_with(&mut c, 0x82), Err(0x6982));
        }
        assert_eq!(sw(&mut c, "80 E6 01 00"), 0x6B00);
        assert_eq!(sw(&mut c, "80 E6 00 00 01 00"), 0x6700);
        assert_eq!(sw(&mut c, "00 E6 00 00"), 0x6E00);
    }
}

#[test]
fn reset_retry_counter_is_refused() {
    for g in GENS {
        let mut c = card(g);
        assert_eq!(sw(&mut c, "00 2C 00 01 08 2C 12 34 56 78 90 12 FF"), 0x6982);
    }
}

// ----- §14.7 MSE:SET and PSO:CDS ------------------------------------------------------------

#[test]
fn mse_set_algorithm_tables_and_keys() {
    for g in GENS {
        let mut c = card(g);
        let good: &[u8] = if g.is_ec() {
            &[0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40]
        } else {
            &[0x01, 0x02, 0x04, 0x08, 0x10, 0x20]
        };
        for alg in 0..=255u8 {
            for key in [0x82, 0x83] {
                let expected = if good.contains(&alg) { 0x9000 } else { 0x6A80 };
                assert_eq!(
                    mse(&mut c, alg, key),
                    expected,
                    "alg {alg:02X} key {key:02X}"
                );
            }
        }
        // basic key 81: accepted on 1.8 (commons-eid), absent on 1.7
        assert_eq!(
            mse(&mut c, 0x02, 0x81),
            if g.is_ec() { 0x9000 } else { 0x6A88 }
        );
        for key in [0x80, 0x84, 0x87, 0x01, 0xFF] {
            assert_eq!(mse(&mut c, 0x01, key), 0x6A88, "key {key:02X}");
        }
        // format
        assert_eq!(sw(&mut c, "00 22 41 B6 05 04 81 01 84 82"), 0x6A80);
        assert_eq!(sw(&mut c, "00 22 41 B6 05 05 80 01 84 82"), 0x6A80);
        assert_eq!(sw(&mut c, "00 22 41 B6 05 04 80 01 83 82"), 0x6A80);
        assert_eq!(sw(&mut c, "00 22 41 B6 04 04 80 01 84"), 0x6700);
        assert_eq!(sw(&mut c, "00 22 41 B6"), 0x6700);
        assert_eq!(sw(&mut c, "00 22 81 B6 05 04 80 01 84 82"), 0x6A86);
        assert_eq!(sw(&mut c, "00 22 41 B8 05 04 80 01 84 82"), 0x6A86);
        // a failed MSE:SET leaves no environment
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert_eq!(pso(&mut c, &default_alg(g).1), Err(0x6985));
        // accepted in any DF
        for path in [
            "3F00",
            "3F00 DF00",
            "3F00 DF01",
            "3F00 DF01 4031",
            "3F00 2F00",
        ] {
            assert_eq!(select_path(&mut c, &h(path)), 0x9000);
            assert_eq!(mse(&mut c, default_alg(g).0, 0x82), 0x9000, "{path}");
            assert!(pso(&mut c, &default_alg(g).1).is_ok(), "{path}");
        }
    }
}

#[test]
fn pso_without_mse_pin_and_key_rules() {
    for g in GENS {
        let mut c = card(g);
        let (alg, dtbs) = default_alg(g);
        assert_eq!(pso(&mut c, &dtbs), Err(0x6985), "no MSE:SET");
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert_eq!(pso(&mut c, &dtbs), Err(0x6985), "still no MSE:SET");
        // authentication key: PIN once
        assert_eq!(mse(&mut c, alg, 0x82), 0x9000);
        let sig = pso(&mut c, &dtbs).unwrap();
        check_default_sig(g, &auth_key(&c), &sig);
        let sig = pso(&mut c, &dtbs).unwrap();
        check_default_sig(g, &auth_key(&c), &sig);
        // non-repudiation without an immediately preceding VERIFY
        assert_eq!(sign_with(&mut c, 0x83), Err(0x6982));
        assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        let sig = pso(&mut c, &dtbs).unwrap();
        check_default_sig(g, &nonrep_key(&c), &sig);
        assert_eq!(
            pso(&mut c, &dtbs),
            Err(0x6982),
            "every signature needs its VERIFY"
        );
        // wrong P1P2
        assert_eq!(x(&mut c, &with_lc("00 2A 9E 9B", &dtbs)).1, 0x6B00);
        // Le appended (ISO case 4) changes nothing on T=0
        assert_eq!(mse(&mut c, alg, 0x82), 0x9000);
        let mut cmd = with_lc("00 2A 9E 9A", &dtbs);
        cmd.push(0x00);
        assert_eq!(x(&mut c, &cmd).1 >> 8, 0x61);
    }
}

#[test]
fn pso_with_the_basic_key_is_refused() {
    let mut c = card(Generation::Applet18);
    assert_eq!(verify(&mut c, "1234"), 0x9000);
    assert_eq!(mse(&mut c, 0x02, 0x81), 0x9000);
    assert_eq!(pso(&mut c, &sha384(b"m")), Err(0x6982));
}

#[test]
fn nonrep_window_per_generation() {
    for g in GENS {
        let (alg, dtbs) = default_alg(g);
        // VERIFY → MSE:SET → PSO works on both (spec §14 item 6)
        let mut c = card(g);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
        assert!(pso(&mut c, &dtbs).is_ok());
        // MSE:SET → VERIFY → PSO (eid-mw, commons-eid)
        assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert!(pso(&mut c, &dtbs).is_ok());
        // VERIFY → READ → PSO: KO on 1.7, OK on 1.8
        assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
        assert_eq!(pso(&mut c, &dtbs).is_ok(), g.is_ec());
        // VERIFY → READ → READ → PSO: KO on both (RM18 §5.1.2 example)
        assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
        assert_eq!(pso(&mut c, &dtbs), Err(0x6982));
        // VERIFY → MSE → MSE → PSO: KO on both
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
        assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
        assert_eq!(pso(&mut c, &dtbs), Err(0x6982));
        // VERIFY → LOG OFF / INTERNAL AUTH / CHANGE / VERIFY(empty) → PSO: KO
        for between in ["80 E6 00 00", "00 20 00 01"] {
            assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
            assert_eq!(verify(&mut c, "1234"), 0x9000);
            assert_eq!(sw(&mut c, between), 0x9000);
            assert_eq!(pso(&mut c, &dtbs), Err(0x6982), "{between}");
        }
        if g.is_ec() {
            assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
            assert_eq!(verify(&mut c, "1234"), 0x9000);
            let mut ia = h("00 88 02 81 32 94 30");
            ia.extend(sha384(b"challenge"));
            assert_eq!(x(&mut c, &ia).1, 0x6160);
            // INTERNAL AUTHENTICATE also cleared the SE
            assert_eq!(pso(&mut c, &dtbs), Err(0x6985));
            assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
            assert_eq!(pso(&mut c, &dtbs), Err(0x6982));
        }
    }
}

/// The "PIN mixed mode" examples of spec §8.9 (RM17/RM18 §5.1).
#[test]
fn mixed_mode_examples() {
    for g in GENS {
        // Verify, Sign(nonrep), …, Sign(auth) → KO
        let mut c = card(g);
        let (alg, dtbs) = default_alg(g);
        assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert!(pso(&mut c, &dtbs).is_ok());
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
        assert_eq!(sign_with(&mut c, 0x82), Err(0x6982));

        // Verify, …, Verify, Sign(nonrep), …, Sign(auth) → OK
        let mut c = card(g);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
        assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert!(pso(&mut c, &dtbs).is_ok());
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
        assert!(sign_with(&mut c, 0x82).is_ok());

        // Verify, Read, Sign(nonrep) → KO on 1.7 (too far), but the later Sign(auth) is OK
        let mut c = card(g);
        assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
        let nonrep = pso(&mut c, &dtbs);
        if g.is_ec() {
            assert!(nonrep.is_ok());
            // 1.8 variant of the KO case: two commands in between
            assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
            assert_eq!(verify(&mut c, "1234"), 0x9000);
            assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
            assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
            assert_eq!(pso(&mut c, &dtbs), Err(0x6982));
        } else {
            assert_eq!(nonrep, Err(0x6982));
        }
        assert!(sign_with(&mut c, 0x82).is_ok());

        // a failed VERIFY, LOG OFF and a reset clear every right
        let mut c = card(g);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert_eq!(verify(&mut c, "0000"), 0x63C2);
        assert_eq!(sign_with(&mut c, 0x82), Err(0x6982));
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        c.reset();
        assert_eq!(sign_with(&mut c, 0x82), Err(0x6982));
    }
}

#[test]
fn dtbs_lengths_per_algorithm() {
    // applet 1.7: 6700 for a wrong length
    let mut c = card(Generation::Applet17);
    assert_eq!(verify(&mut c, "1234"), 0x9000);
    for (alg, ok_len, bad_len) in [
        (0x02, 20, 32),
        (0x04, 16, 20),
        (0x08, 32, 20),
        (0x10, 20, 32),
        (0x20, 32, 48),
    ] {
        assert_eq!(mse(&mut c, alg, 0x82), 0x9000);
        assert_eq!(
            pso(&mut c, &vec![0x11; bad_len]),
            Err(0x6700),
            "alg {alg:02X}"
        );
        assert_eq!(
            pso(&mut c, &vec![0x11; ok_len]).map(|s| s.len()),
            Ok(256),
            "alg {alg:02X}"
        );
    }
    assert_eq!(mse(&mut c, 0x01, 0x82), 0x9000);
    assert_eq!(pso(&mut c, &[0x11; 246]), Err(0x6700), "k − 11 = 245 max");
    assert_eq!(pso(&mut c, &[0x11; 245]).map(|s| s.len()), Ok(256));
    assert_eq!(pso(&mut c, &[]), Err(0x6700));
    // applet 1.8: 6A80 for a wrong length
    let mut c = card(Generation::Applet18);
    assert_eq!(verify(&mut c, "1234"), 0x9000);
    for (alg, ok, bad) in [
        (0x01, &[32][..], &[20, 48, 64][..]),
        (0x02, &[48], &[32, 64]),
        (0x04, &[64], &[48]),
        (0x08, &[32], &[48]),
        (0x10, &[48], &[32]),
        (0x20, &[64], &[32]),
        (0x40, &[20, 28, 32, 48, 64], &[16, 33, 65]),
    ] {
        assert_eq!(mse(&mut c, alg, 0x82), 0x9000);
        for &len in bad {
            assert_eq!(
                pso(&mut c, &vec![0x22; len]),
                Err(0x6A80),
                "alg {alg:02X} len {len}"
            );
        }
        for &len in ok {
            let dtbs = sha384(&[alg, len as u8]);
            let dtbs = &dtbs.repeat(2)[..len];
            let sig = pso(&mut c, dtbs).unwrap();
            ec_digest_ok(&auth_key(&c), dtbs, &sig);
        }
    }
    assert_eq!(pso(&mut c, &[]), Err(0x6700));
}

#[test]
fn rsa_algorithms_produce_verifiable_signatures() {
    let mut c = card(Generation::Applet17);
    let key = auth_key(&c);
    assert_eq!(verify(&mut c, "1234"), 0x9000);
    let m = b"document";
    // 01: DigestInfo SHA-256 / SHA-384 + hash, card pads
    assert_eq!(mse(&mut c, 0x01, 0x82), 0x9000);
    let mut di = h(SHA256_DI);
    di.extend(sha256(m));
    rsa_ok(
        &signature::RSA_PKCS1_2048_8192_SHA256,
        &key,
        m,
        &pso(&mut c, &di).unwrap(),
    );
    let mut di = h(SHA384_DI);
    di.extend(sha384(m));
    rsa_ok(
        &signature::RSA_PKCS1_2048_8192_SHA384,
        &key,
        m,
        &pso(&mut c, &di).unwrap(),
    );
    // 02: SHA-1 bare hash
    assert_eq!(mse(&mut c, 0x02, 0x82), 0x9000);
    rsa_ok(
        &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
        &key,
        m,
        &pso(&mut c, &sha1(m)).unwrap(),
    );
    // 08: SHA-256 bare hash
    assert_eq!(mse(&mut c, 0x08, 0x82), 0x9000);
    rsa_ok(
        &signature::RSA_PKCS1_2048_8192_SHA256,
        &key,
        m,
        &pso(&mut c, &sha256(m)).unwrap(),
    );
    // 20: PSS SHA-256
    assert_eq!(mse(&mut c, 0x20, 0x82), 0x9000);
    rsa_ok(
        &signature::RSA_PSS_2048_8192_SHA256,
        &key,
        m,
        &pso(&mut c, &sha256(m)).unwrap(),
    );
    // non-repudiation key signs with its own key
    assert_eq!(mse(&mut c, 0x08, 0x83), 0x9000);
    assert_eq!(verify(&mut c, "1234"), 0x9000);
    let sig = pso(&mut c, &sha256(m)).unwrap();
    rsa_ok(
        &signature::RSA_PKCS1_2048_8192_SHA256,
        &nonrep_key(&c),
        m,
        &sig,
    );
}

// ----- §14.8 INTERNAL AUTHENTICATE ----------------------------------------------------------

fn internal_auth(challenge: &[u8]) -> Vec<u8> {
    let mut v = vec![
        0x00,
        0x88,
        0x02,
        0x81,
        (challenge.len() + 2) as u8,
        0x94,
        challenge.len() as u8,
    ];
    v.extend_from_slice(challenge);
    v
}

#[test]
fn internal_authenticate() {
    let mut c = card(Generation::Applet18);
    let basic = c.image().keys.basic.clone().unwrap();
    let chl = sha384(b"random challenge");
    // no MSE:SET, no PIN (eid-mw): 61 60, 96 bytes r‖s over the 48 bytes as a digest
    let (d, s) = x(&mut c, &internal_auth(&chl));
    assert_eq!((d.len(), s), (0, 0x6160));
    let (sig, s) = xh(&mut c, "00 C0 00 00 60");
    assert_eq!((sig.len(), s), (96, 0x9000));
    ec_digest_ok(&basic, &chl, &sig);
    // with the preceding MSE:SET 84 81 (commons-eid)
    assert_eq!(sw(&mut c, "00 22 41 B6 05 04 80 02 84 81"), 0x9000);
    let s = x(&mut c, &internal_auth(&chl)).1;
    ec_digest_ok(&basic, &chl, &fetch(&mut c, s));
    // P1 01 / 04 with 32 / 64-byte challenges
    let mut cmd = internal_auth(&chl[..32]);
    cmd[2] = 0x01;
    let s = x(&mut c, &cmd).1;
    ec_digest_ok(&basic, &chl[..32], &fetch(&mut c, s));
    // negative
    let mut bad_tag = internal_auth(&chl);
    bad_tag[5] = 0x95;
    assert_eq!(x(&mut c, &bad_tag).1, 0x6A80);
    let mut bad_len = internal_auth(&chl);
    bad_len[6] = 0x2F;
    assert_eq!(x(&mut c, &bad_len).1, 0x6A80);
    assert_eq!(
        x(&mut c, &internal_auth(&chl[..32])).1,
        0x6A80,
        "P1 02 wants 48 bytes"
    );
    let mut wrong_key = internal_auth(&chl);
    wrong_key[3] = 0x82;
    assert_eq!(x(&mut c, &wrong_key).1, 0x6A88);
    let mut wrong_alg = internal_auth(&chl);
    wrong_alg[2] = 0x40;
    assert_eq!(x(&mut c, &wrong_alg).1, 0x6B00);
    assert_eq!(sw(&mut c, "00 88 02 81 01 94"), 0x6700);
    // applet 1.7: without a basic key 6A88; with an RSA basic key the legacy form
    // 00 88 02 81 16 94 14 <20 bytes> gives a PKCS#1 v1.5 signature (deterministic)
    let mut c17 = card(Generation::Applet17);
    assert_eq!(x(&mut c17, &internal_auth(&chl[..20])).1, 0x6A88);
    let rsa_basic = test_key(KeyFamily::Rsa, TestKeyRole::Basic).unwrap();
    let mut img = image(Generation::Applet17);
    img.keys.basic = Some(rsa_basic.clone());
    let mut c17 = VirtualCard::from_image(img);
    assert_eq!(sw(&mut c17, "00 22 41 B6 05 04 80 01 84 81"), 0x9000);
    let s = x(&mut c17, &internal_auth(&chl[..20])).1;
    assert_eq!(s, 0x6100);
    let sig = fetch(&mut c17, s);
    assert_eq!(sig, rsa_basic.sign_pkcs1_v15_raw(&chl[..20]).unwrap());
    let mut cmd = internal_auth(&chl[..20]);
    cmd[2] = 0x01;
    assert_eq!(x(&mut c17, &cmd).1, 0x6B00);
    let long = [0x5A; 246];
    let mut cmd = vec![0x00, 0x88, 0x02, 0x81, 248, 0x94, 246];
    cmd.extend_from_slice(&long);
    assert_eq!(x(&mut c17, &cmd).1, 0x6A80);
    // 5000 uses, then blocked until a VERIFY
    c.set_internal_authenticate_count(4999);
    assert_eq!(x(&mut c, &internal_auth(&chl)).1, 0x6160);
    assert_eq!(x(&mut c, &internal_auth(&chl)).1, 0x6985);
    assert_eq!(verify(&mut c, "1234"), 0x9000);
    assert_eq!(x(&mut c, &internal_auth(&chl)).1, 0x6160);
}

// ----- READ RECORD (1.8, spec §3.3) ---------------------------------------------------------

#[test]
fn read_record() {
    let mut c = card(Generation::Applet18);
    let id = file(&c, FileId::Identity);
    assert_eq!(sw(&mut c, "80 B2 01 01 00"), 0x6986, "no current EF");
    assert_eq!(select_path(&mut c, &h("3F00 DF01 4031")), 0x9000);
    // one record, eid-mw style
    let (d, s) = xh(&mut c, "80 B2 01 01 00");
    assert_eq!((d.as_slice(), s), (&id[..20], 0x9000));
    let (d, s) = xh(&mut c, "80 B2 03 05 00");
    assert_eq!((d.as_slice(), s), (&id[40..100], 0x9000));
    // exact Le, wrong Le
    assert_eq!(xh(&mut c, "80 B2 03 05 3C"), (id[40..100].to_vec(), 0x9000));
    assert_eq!(sw(&mut c, "80 B2 03 05 10"), 0x6C3C);
    // everything: 360 bytes → 256 + 61 68, then GET RESPONSE
    let (d, s) = xh(&mut c, "80 B2 01 12 00");
    assert_eq!((d.as_slice(), s), (&id[..256], 0x6168));
    assert_eq!(xh(&mut c, "00 C0 00 00 68"), (id[256..].to_vec(), 0x9000));
    // tags absent, P2 < P1
    assert_eq!(sw(&mut c, "80 B2 20 30 00"), 0x6A83);
    assert_eq!(sw(&mut c, "80 B2 05 03 00"), 0x6A83);
    // the address file stops at its padding
    assert_eq!(select_path(&mut c, &h("DF01 4033")), 0x9000);
    let (d, _) = xh(&mut c, "80 B2 01 FF 00");
    let content = address_tlv().iter().position(|&b| b == 0).unwrap();
    assert_eq!(d, address_tlv()[..content]);
    // not a TLV file
    assert_eq!(select_path(&mut c, &h("DF01 4035")), 0x9000);
    assert_eq!(sw(&mut c, "80 B2 01 01 00"), 0x6981);
    assert_eq!(sw(&mut c, "00 B2 01 01 00"), 0x6E00);
    // applet 1.7 has no READ RECORD
    let mut c17 = card(Generation::Applet17);
    assert_eq!(select_path(&mut c17, &h("DF01 4031")), 0x9000);
    assert_eq!(sw(&mut c17, "80 B2 01 01 00"), 0x6D00);
}

// ----- other commands -----------------------------------------------------------------------

#[test]
fn get_challenge_is_seeded() {
    for g in GENS {
        let mut c = card(g);
        let (a, s) = xh(&mut c, "00 84 00 00 08");
        assert_eq!((a.len(), s), (8, 0x9000));
        let (b, _) = xh(&mut c, "00 84 00 00 08");
        assert_ne!(a, b);
        assert_eq!(xh(&mut c, "00 84 00 00 00").0.len(), 256);
        let mut c2 = card(g);
        assert_eq!(
            xh(&mut c2, "00 84 00 00 08").0,
            a,
            "same card, same sequence"
        );
        c2.set_random_seed(99);
        assert_ne!(xh(&mut c2, "00 84 00 00 08").0, b);
        assert_eq!(sw(&mut c, "00 84 01 00 08"), 0x6A86);
    }
}

#[test]
fn unknown_instruction_and_wrong_class() {
    for g in GENS {
        let mut c = card(g);
        assert_eq!(sw(&mut c, "00 CA 00 00 00"), 0x6D00);
        assert_eq!(sw(&mut c, "80 12 00 00"), 0x6D00);
        assert_eq!(
            sw(&mut c, "80 EA 00 01 01"),
            0x6D00,
            "PIN status is not on 1.7/1.8"
        );
        assert_eq!(sw(&mut c, "90 A4 02 0C 02 3F 00"), 0x6E00);
        assert_eq!(sw(&mut c, "80 A4 02 0C 02 3F 00"), 0x6E00);
        assert_eq!(sw(&mut c, "80 B0 00 00 10"), 0x6E00);
        assert_eq!(sw(&mut c, "FF CA 00 00 00"), 0x6E00);
        assert_eq!(
            sw(&mut c, "01 A4 02 0C 02 3F 00"),
            0x6881,
            "logical channel 1"
        );
        assert_eq!(sw(&mut c, "00 70 00 00 01"), 0x6881, "MANAGE CHANNEL");
        assert_eq!(c.transmit_apdu(&[0x00, 0xA4]), [0x67, 0x00]);
        assert_eq!(c.transmit_apdu(&[]), [0x67, 0x00]);
        assert_eq!(
            sw(&mut c, "00 B0 00 00 00 01 02"),
            0x6700,
            "malformed lengths"
        );
    }
}

#[test]
fn update_binary_only_preferences_with_pin() {
    let mut c = card(Generation::Applet17);
    assert_eq!(sw(&mut c, "00 D6 00 00 02 AA BB"), 0x6986);
    assert_eq!(select_path(&mut c, &h("DF01 4039")), 0x9000);
    assert_eq!(sw(&mut c, "00 D6 00 00 02 AA BB"), 0x6982);
    assert_eq!(verify(&mut c, "1234"), 0x9000);
    assert_eq!(sw(&mut c, "00 D6 00 02 02 AA BB"), 0x9000);
    assert_eq!(xh(&mut c, "00 B0 00 02 02").0, [0xAA, 0xBB]);
    assert_eq!(&c.image().files[&FileId::Preferences][2..4], &[0xAA, 0xBB]);
    assert_eq!(sw(&mut c, "00 D6 00 63 02 AA BB"), 0x6700);
    assert_eq!(select_path(&mut c, &h("DF01 4031")), 0x9000);
    assert_eq!(sw(&mut c, "00 D6 00 00 02 AA BB"), 0x6982);
}

#[test]
fn reset_and_power() {
    for g in GENS {
        let mut c = card(g);
        let (alg, dtbs) = default_alg(g);
        assert_eq!(verify(&mut c, "0000"), 0x63C2);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert_eq!(mse(&mut c, alg, 0x82), 0x9000);
        assert_eq!(x(&mut c, &with_lc("00 2A 9E 9A", &dtbs)).1 >> 8, 0x61);
        assert_eq!(select_path(&mut c, &h("DF01 4031")), 0x9000);
        c.reset();
        assert_eq!(sw(&mut c, "00 C0 00 00 10"), 0x6985, "pending data gone");
        assert_eq!(sw(&mut c, "00 B0 00 00 10"), 0x6986, "no current EF");
        assert_eq!(
            sw(&mut c, "00 20 00 01"),
            0x63C3,
            "right gone, counter back to 3 after success"
        );
        assert_eq!(pso(&mut c, &dtbs), Err(0x6985), "SE gone");
        // power off: no answer, the transport reports a reset until power on
        c.power_off();
        assert!(!c.is_powered());
        assert!(c.transmit_apdu(&h("80 E4 00 00 1C")).is_empty());
        let mut r = Vec::new();
        assert!(matches!(
            c.transmit(&h("80 E4 00 00 1C"), &mut r),
            Err(beid::TransportError::CardReset)
        ));
        c.power_on();
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
        // wrong PIN counter survives power cycles
        assert_eq!(verify(&mut c, "0000"), 0x63C2);
        c.power_off();
        c.power_on();
        assert_eq!(sw(&mut c, "00 20 00 01"), 0x63C2);
        // Transport::reset
        Transport::reset(&mut c).unwrap();
        assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
    }
}

// ----- spec §13: the four reader flows, byte by byte ----------------------------------------

fn select_fid_apdu(fid: u16) -> Vec<u8> {
    vec![0x00, 0xA4, 0x02, 0x0C, 0x02, (fid >> 8) as u8, fid as u8]
}

const ID_FILES_ORDER: [FileId; 8] = [
    FileId::Identity,
    FileId::Address,
    FileId::Photo,
    FileId::RrnCertificate,
    FileId::IdentitySignature,
    FileId::AddressSignature,
    FileId::TokenInfo,
    FileId::BasicPublicKey,
];

/// eid-mw `SelectFile`: the last FID relative to the current DF; on 6A82/6A86 the FID-by-FID
/// chain from 3F00 (MW-CARD `SelectFile`, `SelectByPath`).
fn eidmw_select(c: &mut VirtualCard, id: FileId) {
    let s = x(c, &select_fid_apdu(id.fid())).1;
    if s == 0x9000 {
        return;
    }
    assert!(s == 0x6A82 || s == 0x6A86, "{s:04X}");
    let mut chain = vec![0x3F00];
    chain.extend(id.df());
    chain.push(id.fid());
    for fid in chain {
        assert_eq!(x(c, &select_fid_apdu(fid)).1, 0x9000, "{fid:04X}");
    }
}

/// eid-mw `ReadFile`: 252-byte chunks; 6Cxx → re-send with xx (end); short answer = end;
/// 6B00 at a non-zero offset = end.
fn eidmw_read(c: &mut VirtualCard) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let off = out.len();
        let (d, s) = x(c, &[0x00, 0xB0, (off >> 8) as u8, off as u8, 0xFC]);
        match s {
            0x9000 => {
                let short = d.len() < 252;
                out.extend(d);
                if short {
                    return out;
                }
            }
            0x6B00 => {
                assert!(off > 0, "6B00 at offset 0 is an error for eid-mw");
                return out;
            }
            s if s >> 8 == 0x6C => {
                let (d, s2) = x(c, &[0x00, 0xB0, (off >> 8) as u8, off as u8, s as u8]);
                assert_eq!(s2, 0x9000);
                out.extend(d);
                return out;
            }
            other => panic!("eid-mw read: {other:04X}"),
        }
    }
}

/// eid-mw's sign: (SELECT DF00) → MSE:SET → [VERIFY] → PSO:CDS → GET RESPONSE Le = SW2.
fn eidmw_sign(c: &mut VirtualCard, key: u8, verify_first: bool) -> Result<Vec<u8>, u16> {
    let s = x(c, &select_fid_apdu(0xDF00)).1;
    if s != 0x9000 {
        assert!(s == 0x6A82 || s == 0x6A86);
        assert_eq!(x(c, &select_fid_apdu(0x3F00)).1, 0x9000);
        assert_eq!(x(c, &select_fid_apdu(0xDF00)).1, 0x9000);
    }
    let (alg, dtbs) = default_alg(c.generation());
    assert_eq!(
        x(
            c,
            &[0x00, 0x22, 0x41, 0xB6, 0x05, 0x04, 0x80, alg, 0x84, key]
        )
        .1,
        0x9000
    );
    if verify_first {
        assert_eq!(verify(c, "1234"), 0x9000);
    }
    let (d, s) = x(c, &with_lc("00 2A 9E 9A", &dtbs));
    assert!(d.is_empty());
    if s >> 8 != 0x61 {
        return Err(s);
    }
    let (sig, s2) = x(c, &[0x00, 0xC0, 0x00, 0x00, s as u8]);
    assert_eq!(s2, 0x9000);
    Ok(sig)
}

/// Spec §13.1: eid-mw PKCS#11 (and the Linux/macOS eID Viewer).
#[test]
fn flow_eid_mw_pkcs11() {
    for g in GENS {
        let mut c = card(g);
        // 2. applet select, P2 = 00: exactly 90 00
        assert_eq!(
            c.transmit_apdu(&h(
                "00 A4 04 00 0F A0 00 00 00 30 29 05 70 00 AD 13 10 01 01 FF"
            )),
            [0x90, 0x00]
        );
        // 3. card data
        let (cd, s) = xh(&mut c, "80 E4 00 00 1C");
        assert_eq!((cd.len(), s), (28, 0x9000));
        if cd[21] >= 0x18 {
            let (cd2, s) = xh(&mut c, "80 E4 00 01 1F");
            assert_eq!((cd2.len(), s, cd2[28]), (31, 0x9000, 3));
        }
        // 5. CDF: relative select fails after reset, then the chain
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 50 37"), 0x6A82);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 3F 00"), 0x9000);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 DF 00"), 0x9000);
        assert_eq!(sw(&mut c, "00 A4 02 0C 02 50 37"), 0x9000);
        assert_eq!(sw(&mut c, "00 B0 00 00 FC"), 0x6CA3);
        assert_eq!(
            xh(&mut c, "00 B0 00 00 A3"),
            (file(&c, FileId::Cdf), 0x9000)
        );
        for id in [
            FileId::AuthenticationCertificate,
            FileId::NonRepudiationCertificate,
            FileId::CaCertificate,
            FileId::RootCertificate,
        ] {
            eidmw_select(&mut c, id);
            assert_eq!(eidmw_read(&mut c), file(&c, id), "{id}");
        }
        // 6. identity files, FID by FID
        for id in ID_FILES_ORDER {
            if id == FileId::BasicPublicKey && !g.is_ec() {
                continue;
            }
            eidmw_select(&mut c, id);
            assert_eq!(eidmw_read(&mut c), file(&c, id), "{id}");
        }
        if g.is_ec() {
            eidmw_select(&mut c, FileId::Identity);
            let id = file(&c, FileId::Identity);
            for tag in [0x01u8, 0x02, 0x12] {
                let (d, s) = x(&mut c, &[0x80, 0xB2, tag, tag, 0x00]);
                assert_eq!(s, 0x9000);
                let start = usize::from(tag - 1) * 20;
                assert_eq!(&d[2..], &id[start + 2..start + 20], "record {tag:02X}");
            }
        }
        // 7. authentication signature: login, then PIN once
        let sig = eidmw_sign(&mut c, 0x82, true).unwrap();
        check_default_sig(g, &auth_key(&c), &sig);
        let sig = eidmw_sign(&mut c, 0x82, false).unwrap();
        check_default_sig(g, &auth_key(&c), &sig);
        // non-repudiation: MSE:SET, VERIFY, PSO:CDS, GET RESPONSE
        let sig = eidmw_sign(&mut c, 0x83, true).unwrap();
        check_default_sig(g, &nonrep_key(&c), &sig);
        // already logged in: eid-mw tries MSE:SET → PSO:CDS, gets 6982, asks for the PIN
        assert_eq!(eidmw_sign(&mut c, 0x83, false), Err(0x6982));
        assert!(eidmw_sign(&mut c, 0x83, true).is_ok());
        // 8. card challenge (1.8)
        if g.is_ec() {
            eidmw_select(&mut c, FileId::BasicPublicKey);
            let puk = eidmw_read(&mut c);
            let chl = sha384(b"48 random bytes");
            let mut cmd = h("00 88 02 81 32 94 30");
            cmd.extend(&chl);
            assert_eq!(c.transmit_apdu(&cmd), [0x61, 0x60]);
            let (sig, s) = xh(&mut c, "00 C0 00 00 60");
            assert_eq!((sig.len(), s), (96, 0x9000));
            ec_spki_ok(&puk, &chl, &sig);
        }
        // 9. recovery re-select
        assert_eq!(
            c.transmit_apdu(&h(
                "00 A4 04 00 0F A0 00 00 00 30 29 05 70 00 AD 13 10 01 01 FF"
            )),
            [0x90, 0x00]
        );
        // C_Logout
        assert_eq!(sw(&mut c, "80 E6 00 00 00"), 0x9000);
    }
}

fn path_apdu(id: FileId) -> Vec<u8> {
    let mut path = vec![0x3F, 0x00];
    path.extend_from_slice(&id.path());
    with_lc("00 A4 08 0C", &path)
}

/// Spec §13.2: the Windows minidriver.
#[test]
fn flow_windows_minidriver() {
    for g in GENS {
        let mut c = card(g);
        // serial
        let (d, s) = xh(&mut c, "80 E4 00 00 1C");
        assert!(d.len() >= 18 && s == 0x9000);
        // files: 00 A4 08 0C 06 3F 00 DF 0x xx xx, READ BINARY 128 with 6Cxx handling
        for id in ID_FILES_ORDER {
            if id == FileId::BasicPublicKey && !g.is_ec() {
                continue;
            }
            assert_eq!(x(&mut c, &path_apdu(id)).1, 0x9000);
            let mut out = Vec::new();
            loop {
                let off = out.len();
                let (d, s) = x(&mut c, &[0x00, 0xB0, (off >> 8) as u8, off as u8, 0x80]);
                if s == 0x9000 {
                    out.extend(d);
                } else if s >> 8 == 0x6C {
                    let (d, s) = x(&mut c, &[0x00, 0xB0, (off >> 8) as u8, off as u8, s as u8]);
                    assert_eq!(s, 0x9000);
                    out.extend(d);
                    break;
                } else {
                    break;
                }
            }
            assert_eq!(out, file(&c, id), "{id}");
        }
        // certificates: 4 bytes first (30 82 LL LL), then the rest
        for id in [FileId::AuthenticationCertificate, FileId::RootCertificate] {
            assert_eq!(x(&mut c, &path_apdu(id)).1, 0x9000);
            let (head, s) = xh(&mut c, "00 B0 00 00 04");
            assert_eq!((head[0], head[1], s), (0x30, 0x82, 0x9000));
            let total = ((usize::from(head[2]) << 8) | usize::from(head[3])) + 4;
            let mut der = head;
            while der.len() < total {
                let off = der.len();
                let le = (total - off).min(128) as u8;
                let (d, s) = x(&mut c, &[0x00, 0xB0, (off >> 8) as u8, off as u8, le]);
                assert_eq!(s, 0x9000);
                der.extend(d);
            }
            assert_eq!(der, file(&c, id)[..total]);
        }
        // PIN, then signing MSE:SET → PSO:CDS → GET RESPONSE (00 C0 00 00 SW2)
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        let key = auth_key(&c);
        let (alg, dtbs) = if g.is_ec() {
            (0x02, sha384(b"minidriver"))
        } else {
            let mut di = h(SHA256_DI);
            di.extend(sha256(b"minidriver"));
            (0x01, di)
        };
        assert_eq!(mse(&mut c, alg, 0x82), 0x9000);
        let s = x(&mut c, &with_lc("00 2A 9E 9A", &dtbs)).1;
        let (sig, s) = x(&mut c, &[0x00, 0xC0, 0x00, 0x00, s as u8]);
        assert_eq!(s, 0x9000);
        if g.is_ec() {
            ec_digest_ok(&key, &dtbs, &sig);
        } else {
            rsa_ok(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                &key,
                b"minidriver",
                &sig,
            );
        }
        // non-repudiation: the CSP verifies the PIN, then MSE:SET → PSO:CDS
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
        let s = x(&mut c, &with_lc("00 2A 9E 9A", &dtbs)).1;
        assert_eq!(s >> 8, 0x61);
        assert_eq!(x(&mut c, &[0x00, 0xC0, 0x00, 0x00, s as u8]).1, 0x9000);
        // recovery: PKCS#15 AID, or the applet AID
        assert_eq!(sw(&mut c, &format!("00 A4 04 0C 0C {PKCS15_AID}")), 0x9000);
        assert_eq!(sw(&mut c, &format!("00 A4 04 00 0F {APPLET_AID}")), 0x9000);
    }
}

/// commons-eid GET RESPONSE handling: `61 00` → Le `FF`.
fn ce_fetch(c: &mut VirtualCard, mut s: u16) -> Vec<u8> {
    let mut out = Vec::new();
    while s >> 8 == 0x61 {
        let le = if s as u8 == 0 { 0xFF } else { s as u8 };
        let (d, s2) = x(c, &[0x00, 0xC0, 0x00, 0x00, le]);
        out.extend(d);
        s = s2;
    }
    assert_eq!(s, 0x9000);
    out
}

/// Spec §13.3: commons-eid.
#[test]
fn flow_commons_eid() {
    for g in GENS {
        let mut c = card(g);
        // GET CARD DATA with Le FF and the generic 6Cxx re-send
        let p2 = if g.is_ec() { 0x01 } else { 0x00 };
        let (_, s) = x(&mut c, &[0x80, 0xE4, 0x00, p2, 0xFF]);
        let expected_len = if g.is_ec() { 0x1F } else { 0x1C };
        assert_eq!(s, 0x6C00 | expected_len);
        let (d, s) = x(&mut c, &[0x80, 0xE4, 0x00, p2, s as u8]);
        assert_eq!((d.len(), s), (usize::from(expected_len as u8), 0x9000));
        // files by path, Le FF until 6B00 or a short answer
        for id in ID_FILES_ORDER
            .iter()
            .chain(&[FileId::AuthenticationCertificate])
        {
            if *id == FileId::BasicPublicKey && !g.is_ec() {
                continue;
            }
            assert_eq!(x(&mut c, &path_apdu(*id)).1, 0x9000);
            assert_eq!(read_loop(&mut c, 0xFF), file(&c, *id), "{id}");
        }
        let (alg, dtbs) = if g.is_ec() {
            (0x02, sha384(b"commons"))
        } else {
            let mut di = h(SHA256_DI);
            di.extend(sha256(b"commons"));
            (0x01, di)
        };
        // authentication: MSE:SET → PSO:CDS → 6982 → VERIFY → PSO:CDS
        assert_eq!(mse(&mut c, alg, 0x82), 0x9000);
        assert_eq!(x(&mut c, &with_lc("00 2A 9E 9A", &dtbs)).1, 0x6982);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        let s = x(&mut c, &with_lc("00 2A 9E 9A", &dtbs)).1;
        let sig = ce_fetch(&mut c, s);
        if g.is_ec() {
            ec_digest_ok(&auth_key(&c), &dtbs, &sig);
        } else {
            assert_eq!(s, 0x6100);
            rsa_ok(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                &auth_key(&c),
                b"commons",
                &sig,
            );
        }
        // non-repudiation: MSE:SET, VERIFY immediately, PSO:CDS
        assert_eq!(mse(&mut c, alg, 0x83), 0x9000);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        let s = x(&mut c, &with_lc("00 2A 9E 9A", &dtbs)).1;
        assert_eq!(ce_fetch(&mut c, s).len(), if g.is_ec() { 96 } else { 256 });
        // basic-key challenge (1.8)
        if g.is_ec() {
            assert_eq!(sw(&mut c, "00 22 41 B6 05 04 80 02 84 81"), 0x9000);
            let chl = sha384(b"commons challenge");
            let mut cmd = h("00 88 02 81 32 94 30");
            cmd.extend(&chl);
            let s = x(&mut c, &cmd).1;
            let sig = ce_fetch(&mut c, s);
            ec_digest_ok(&c.image().keys.basic.clone().unwrap(), &chl, &sig);
        }
        // GET CHALLENGE: exactly Le bytes
        assert_eq!(xh(&mut c, "00 84 00 00 14").0.len(), 20);
        // log off, 4-byte form
        assert_eq!(sw(&mut c, "80 E6 00 00"), 0x9000);
    }
}

/// Spec §13.4: OpenSC.
#[test]
fn flow_opensc() {
    for g in GENS {
        let mut c = card(g);
        assert_eq!(xh(&mut c, "80 E4 00 00 1C").0.len(), 28);
        assert_eq!(sw(&mut c, "00 A4 08 0C 04 3F 00 2F 00"), 0x9000);
        let (_, s) = xh(&mut c, "00 B0 00 00 00");
        assert_eq!(s, 0x6C25);
        assert_eq!(
            xh(&mut c, "00 B0 00 00 25"),
            (file(&c, FileId::Dir), 0x9000)
        );
        assert_eq!(sw(&mut c, "00 A4 08 0C 04 3F 00 DF 00"), 0x9000);
        for (fid, id) in [
            ("50 31", FileId::Odf),
            ("50 32", FileId::TokenInfo),
            ("50 34", FileId::Aodf),
            ("50 35", FileId::Prkdf),
            ("50 37", FileId::Cdf),
            ("50 38", FileId::AuthenticationCertificate),
        ] {
            assert_eq!(
                sw(&mut c, &format!("00 A4 08 0C 06 3F 00 DF 00 {fid}")),
                0x9000
            );
            assert_eq!(read_loop(&mut c, 0x00), file(&c, id), "{id}");
        }
        // PIN: the AODF path 3F00, then VERIFY (GLP encoding)
        assert_eq!(sw(&mut c, "00 A4 08 0C 02 3F 00"), 0x9000);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        // signing: the PrKDF key path, MSE:SET, ISO PSO:CDS (Le 00) — PIN state survives the DF change
        assert_eq!(sw(&mut c, "00 A4 08 0C 04 3F 00 DF 00"), 0x9000);
        let (alg, dtbs, msg) = if g.is_ec() {
            (0x40, sha384(b"opensc"), &b"opensc"[..])
        } else {
            let mut di = h(SHA256_DI);
            di.extend(sha256(b"opensc"));
            (0x01, di, &b"opensc"[..])
        };
        assert_eq!(mse(&mut c, alg, 0x82), 0x9000);
        let mut cmd = with_lc("00 2A 9E 9A", &dtbs);
        cmd.push(0x00);
        let s = x(&mut c, &cmd).1;
        let sig = fetch(&mut c, s);
        if g.is_ec() {
            ec_digest_ok(&auth_key(&c), &dtbs, &sig);
        } else {
            rsa_ok(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                &auth_key(&c),
                msg,
                &sig,
            );
        }
        assert_eq!(xh(&mut c, "00 84 00 00 08").0.len(), 8);
    }
}

// ----- faults --------------------------------------------------------------------------------

#[test]
fn fault_remove_at_apdu() {
    let mut c = card(Generation::Applet18);
    c.faults_mut().remove_at_apdu(3);
    let mut r = Vec::new();
    c.transmit(&h("80 E4 00 00 1C"), &mut r).unwrap();
    c.transmit(&h("00 A4 02 0C 02 3F 00"), &mut r).unwrap();
    assert!(matches!(
        c.transmit(&h("80 E4 00 00 1C"), &mut r),
        Err(beid::TransportError::CardRemoved)
    ));
    assert!(r.is_empty());
    assert!(!c.is_present());
    assert_eq!(Transport::atr(&c), None);
    assert!(matches!(
        c.transmit(&h("80 E4 00 00 1C"), &mut r),
        Err(beid::TransportError::CardRemoved)
    ));
    assert!(matches!(
        Transport::reset(&mut c),
        Err(beid::TransportError::CardRemoved)
    ));
    assert!(c.transmit_apdu(&h("80 E4 00 00 1C")).is_empty());
    assert_eq!(c.apdu_count(), 3, "APDUs to an absent card are not counted");
    c.insert();
    c.transmit(&h("80 E4 00 00 1C"), &mut r).unwrap();
    assert_eq!(r.len(), 30);
}

#[test]
fn fault_remove_during_read() {
    for g in GENS {
        let mut c = card(g);
        c.faults_mut().remove_during_read(FileId::Photo, 500);
        // reading another file is fine
        assert_eq!(select_path(&mut c, &h("DF01 4031")), 0x9000);
        assert_eq!(read_loop(&mut c, 0xFC), file(&c, FileId::Identity));
        assert_eq!(select_path(&mut c, &h("DF01 4035")), 0x9000);
        let mut r = Vec::new();
        for off in [0u16, 252] {
            let cmd = [0x00, 0xB0, (off >> 8) as u8, off as u8, 0xFC];
            c.transmit(&cmd, &mut r).unwrap();
        }
        assert!(matches!(
            c.transmit(&[0x00, 0xB0, 0x01, 0xF8, 0xFC], &mut r),
            Err(beid::TransportError::CardRemoved)
        ));
        c.insert();
        assert_eq!(select_path(&mut c, &h("DF01 4035")), 0x9000);
        assert_eq!(read_loop(&mut c, 0xFC), file(&c, FileId::Photo), "one-shot");
    }
}

#[test]
fn fault_reset_at_apdu() {
    let mut c = card(Generation::Applet17);
    assert_eq!(verify(&mut c, "1234"), 0x9000); // APDU 1
    assert_eq!(select_path(&mut c, &h("DF01 4031")), 0x9000); // APDU 2
    c.faults_mut().reset_at_apdu(3);
    let mut r = Vec::new();
    assert!(matches!(
        c.transmit(&h("00 B0 00 00 10"), &mut r),
        Err(beid::TransportError::CardReset)
    ));
    // stays reset until the host reconnects
    assert!(matches!(
        c.transmit(&h("00 B0 00 00 10"), &mut r),
        Err(beid::TransportError::CardReset)
    ));
    assert!(c.is_present());
    Transport::reset(&mut c).unwrap();
    assert_eq!(sw(&mut c, "00 B0 00 00 10"), 0x6986, "current file lost");
    assert_eq!(sw(&mut c, "00 20 00 01"), 0x63C3, "PIN right lost");
}

#[test]
fn fault_status_injection() {
    let mut c = card(Generation::Applet18);
    c.faults_mut()
        .status_at_apdu(2, StatusWord(0x6581))
        .status_for_instruction(0xB0, StatusWord(0x6400), 2);
    assert_eq!(sw(&mut c, "00 A4 08 0C 04 DF 01 40 31"), 0x9000);
    assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x6581);
    assert_eq!(sw(&mut c, "00 B0 00 00 10"), 0x6400);
    assert_eq!(sw(&mut c, "00 B0 00 00 10"), 0x6400);
    assert_eq!(sw(&mut c, "00 B0 00 00 10"), 0x9000);
    // not executed: a VERIFY answered by an injected SW costs no try
    c.faults_mut()
        .status_for_instruction(0x20, StatusWord(0x6F00), Faults::ALWAYS);
    for _ in 0..5 {
        assert_eq!(verify(&mut c, "0000"), 0x6F00);
    }
    assert_eq!(c.pin_tries_left(), 3);
    c.faults_mut().clear();
    assert!(c.faults().is_empty());
    assert_eq!(verify(&mut c, "1234"), 0x9000);
}

#[test]
fn fault_chunked_get_response() {
    for g in GENS {
        let mut c = card(g);
        c.faults_mut().chunk_responses(40);
        assert_eq!(verify(&mut c, "1234"), 0x9000);
        let (alg, dtbs) = default_alg(g);
        assert_eq!(mse(&mut c, alg, 0x82), 0x9000);
        let (_, s) = x(&mut c, &with_lc("00 2A 9E 9A", &dtbs));
        assert_eq!(s, 0x6128);
        // more than a chunk: 6C with the chunk size, chain kept
        assert_eq!(sw(&mut c, "00 C0 00 00 60"), 0x6C28);
        let mut rounds = 0;
        let mut sig = Vec::new();
        let mut s = s;
        while s >> 8 == 0x61 {
            assert!(s as u8 <= 40);
            let (d, s2) = x(&mut c, &[0x00, 0xC0, 0x00, 0x00, s as u8]);
            sig.extend(d);
            s = s2;
            rounds += 1;
        }
        assert_eq!(s, 0x9000);
        assert_eq!(rounds, if g.is_ec() { 3 } else { 7 });
        check_default_sig(g, &auth_key(&c), &sig);
    }
}

#[test]
fn fault_wrong_le_on_first_read() {
    for g in GENS {
        let mut c = card(g);
        c.faults_mut().wrong_le_on_first_read(true);
        assert_eq!(select_path(&mut c, &h("DF01 4035")), 0x9000);
        assert_eq!(
            sw(&mut c, "00 B0 00 00 FC"),
            0x6CFC,
            "even though 252 bytes fit"
        );
        assert_eq!(xh(&mut c, "00 B0 00 00 FC").1, 0x9000);
        assert_eq!(
            xh(&mut c, "00 B0 00 FC FC").1,
            0x9000,
            "only the first read"
        );
        assert_eq!(select_path(&mut c, &h("DF01 4031")), 0x9000);
        assert_eq!(sw(&mut c, "00 B0 00 00 10"), 0x6C10);
        // a loop that takes 6Cxx for "end of file" (eid-mw's rule) stops after one chunk
        assert_eq!(select_path(&mut c, &h("DF00 5038")), 0x9000);
        assert_eq!(read_loop(&mut c, 0xFC).len(), 252);
        c.reset();
        assert_eq!(select_path(&mut c, &h("DF01 4035")), 0x9000);
        assert_eq!(sw(&mut c, "00 B0 00 00 FC"), 0x6CFC, "again after a reset");
    }
}

#[test]
fn fault_bit_flips_are_deterministic() {
    let run = |seed: u64| {
        let mut c = card(Generation::Applet18);
        c.faults_mut().seed(seed).flip_bits(1);
        assert_eq!(select_path(&mut c, &h("DF01 4031")), 0x9000);
        xh(&mut c, "00 B0 00 00 40")
    };
    let (a, s) = run(1);
    assert_eq!(s, 0x9000, "status words are never touched");
    assert_eq!(run(1).0, a);
    let clean = &file(&card(Generation::Applet18), FileId::Identity)[..64];
    let flipped: u32 = a.iter().zip(clean).map(|(x, y)| (x ^ y).count_ones()).sum();
    assert_eq!(flipped, 1);
    let (b, _) = run(2);
    assert_ne!(a, b);
}

#[test]
fn fault_latency_still_answers() {
    let mut c = card(Generation::Applet17);
    c.faults_mut().latency(Latency {
        per_apdu: std::time::Duration::from_micros(10),
        per_byte: std::time::Duration::from_nanos(10),
    });
    assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
    assert!(!c.faults().is_empty());
    assert!(Latency::real_card().per_apdu > std::time::Duration::ZERO);
}

#[test]
fn content_faults_are_served_as_is() {
    // a blocked PIN and a tampered file come from the image
    let mut img = image(Generation::Applet18);
    img.pin_tries_left = 0;
    let mut id = img.files[&FileId::Identity].as_ref().clone();
    id[5] ^= 0xFF;
    img.files.insert(FileId::Identity, Arc::new(id.clone()));
    img.keys.non_repudiation = None;
    let mut c = VirtualCard::from_image(img);
    assert_eq!(verify(&mut c, "1234"), 0x6983);
    assert_eq!(xh(&mut c, "80 E4 00 01 1F").0[28], 0);
    assert_eq!(select_path(&mut c, &h("DF01 4031")), 0x9000);
    assert_eq!(read_loop(&mut c, 0xFC), id);
    assert_eq!(
        mse(&mut c, 0x02, 0x83),
        0x6A88,
        "card without a non-repudiation key"
    );
}

// ----- transport, transcripts -----------------------------------------------------------------

#[test]
fn in_process_transport_with_the_channel() {
    use beid::apdu::Command;
    use beid::transport::Channel;
    for g in GENS {
        let mut ch = Channel::new(card(g));
        let mut out = Vec::new();
        let s = ch
            .transmit_into(&Command::select_path(&[0xDF, 0x01, 0x40, 0x35]), &mut out)
            .unwrap();
        assert!(s.is_success());
        // 6Cxx handled by the channel
        let photo = file(ch.transport(), FileId::Photo);
        let mut data = Vec::new();
        let tail = (photo.len() - 100) as u16;
        ch.transmit_into(&Command::read_binary(tail, 256), &mut data)
            .unwrap();
        assert_eq!(data, photo[tail as usize..]);
        // 61xx handled by the channel
        let mut sig = Vec::new();
        ch.transmit_into(
            &Command::verify(&Pin::new("1234").unwrap().block()),
            &mut sig,
        )
        .unwrap();
        let (alg, dtbs) = default_alg(g);
        ch.transmit_into(
            &Command::mse_set(
                beid::apdu::AlgorithmReference(alg),
                beid::apdu::KeyReference::from_byte(0x82),
            ),
            &mut sig,
        )
        .unwrap();
        let s = ch
            .transmit_into(
                &Command::pso_compute_digital_signature(&dtbs).unwrap(),
                &mut sig,
            )
            .unwrap();
        assert!(s.is_success());
        check_default_sig(g, &auth_key(ch.transport()), &sig);
    }
}

#[test]
fn transcript_records_masks_and_replays() {
    let mut c = card(Generation::Applet18);
    c.record_transcript();
    assert_eq!(sw(&mut c, "00 A4 08 0C 06 3F 00 DF 01 40 31"), 0x9000);
    let _ = xh(&mut c, "00 B0 00 00 20");
    assert_eq!(verify(&mut c, "987654"), 0x63C2);
    assert_eq!(verify(&mut c, "1234"), 0x9000);
    c.reset();
    assert_eq!(sw(&mut c, "80 E4 00 00 1C"), 0x9000);
    let t = c.take_transcript().unwrap();
    assert!(c.transcript().is_none());
    let text = t.to_text();
    // PIN digits never appear
    for pin_block in ["2698765", "241234"] {
        assert!(!text.contains(pin_block), "{pin_block} in\n{text}");
    }
    assert!(text.contains("> 0020000108FFFFFFFFFFFFFFFF\n< 63C2\n"));
    assert!(text.contains(&format!(
        "atr {}",
        "3B7F96000080318065B085040120120FFF829000"
    )));
    assert_eq!(
        t.entries()
            .iter()
            .filter(|e| **e == TranscriptEntry::Reset)
            .count(),
        1
    );
    assert_eq!(t.exchanges().count(), 5);
    // replay through the Transport trait: the masked VERIFY matches any PIN
    let parsed = Transcript::parse(&text).unwrap();
    assert_eq!(parsed, t);
    let mut r = ReplayTransport::new(parsed);
    let mut resp = Vec::new();
    r.transmit(&h("00 A4 08 0C 06 3F 00 DF 01 40 31"), &mut resp)
        .unwrap();
    r.transmit(&h("00 B0 00 00 20"), &mut resp).unwrap();
    assert_eq!(resp.len(), 34);
    r.transmit(&verify_apdu("1111"), &mut resp).unwrap();
    assert_eq!(resp, [0x63, 0xC2]);
    r.transmit(&verify_apdu("2222"), &mut resp).unwrap();
    assert_eq!(resp, [0x90, 0x00]);
    r.reset().unwrap();
    // a different command is a mismatch
    assert!(matches!(
        r.transmit(&h("80 E4 00 01 1F"), &mut resp),
        Err(beid::TransportError::Failure {
            kind: TransportFailure::ScriptMismatch,
            ..
        })
    ));
    r.transmit(&h("80 E4 00 00 1C"), &mut resp).unwrap();
    assert!(r.is_finished());
}

#[test]
fn transcript_records_fault_events() {
    let mut c = card(Generation::Applet17);
    c.record_transcript();
    c.faults_mut().reset_at_apdu(2).remove_at_apdu(3);
    let mut r = Vec::new();
    c.transmit(&h("80 E4 00 00 1C"), &mut r).unwrap();
    assert!(c.transmit(&h("00 B0 00 00 10"), &mut r).is_err());
    Transport::reset(&mut c).unwrap();
    assert!(c.transmit(&h("80 E4 00 00 1C"), &mut r).is_err());
    let t = c.transcript().unwrap().clone();
    let mut replay = ReplayTransport::new(t);
    replay.transmit(&h("80 E4 00 00 1C"), &mut r).unwrap();
    assert!(matches!(
        replay.transmit(&h("00 B0 00 00 10"), &mut r),
        Err(beid::TransportError::CardReset)
    ));
    replay.reset().unwrap();
    assert!(matches!(
        replay.transmit(&h("80 E4 00 00 1C"), &mut r),
        Err(beid::TransportError::CardRemoved)
    ));
    assert!(replay.is_finished());
}

#[test]
fn recording_transport_wraps_any_transport() {
    let mut rec = RecordingTransport::new(card(Generation::Applet18));
    let mut r = Vec::new();
    rec.transmit(&verify_apdu("1234"), &mut r).unwrap();
    rec.transmit(&h("80 E4 00 00 1C"), &mut r).unwrap();
    rec.reset().unwrap();
    let (_card, t) = rec.into_parts();
    assert_eq!(t.atr(), Some(&ATR18[..]));
    assert_eq!(t.len(), 3);
    assert!(!t.to_text().contains("241234"));
}

/// Reading every file through the in-process transport: the applet's share of the cost.
/// Prints the time (run with `--release --nocapture`); asserts only the bytes.
#[test]
fn full_read_through_the_transport() {
    use beid::apdu::Command;
    for g in GENS {
        let mut c = card(g);
        let ids: Vec<FileId> = c.image().files.keys().copied().collect();
        let cmds: Vec<(Vec<u8>, usize)> = ids
            .iter()
            .map(|id| {
                let mut p = vec![0x3F, 0x00];
                p.extend_from_slice(&id.path());
                (
                    Command::select_path(&p).as_bytes().to_vec(),
                    c.image().files[id].len(),
                )
            })
            .collect();
        let mut resp = Vec::with_capacity(258);
        let mut total = 0usize;
        let mut read_all = |c: &mut VirtualCard, total: &mut usize| {
            for (sel, len) in &cmds {
                c.transmit(sel, &mut resp).unwrap();
                let mut off = 0;
                while off < *len {
                    let n = (*len - off).min(252);
                    let cmd = [0x00, 0xB0, (off >> 8) as u8, off as u8, n as u8];
                    c.transmit(&cmd, &mut resp).unwrap();
                    off += resp.len() - 2;
                    *total += resp.len() - 2;
                }
            }
        };
        read_all(&mut c, &mut total);
        let expected: usize = c.image().files.values().map(|f| f.len()).sum();
        assert_eq!(total, expected);
        let rounds = 200;
        let start = std::time::Instant::now();
        for _ in 0..rounds {
            read_all(&mut c, &mut total);
        }
        let per_read = start.elapsed() / rounds;
        println!(
            "{g}: full read of {expected} bytes in {per_read:?} ({} APDUs per read)",
            c.apdu_count() / (rounds as u64 + 1)
        );
    }
}

// ----- vpcd bridge ---------------------------------------------------------------------------

mod vpcd_fake {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::sync::{Arc, Mutex};

    pub(crate) fn send(s: &mut TcpStream, msg: &[u8]) {
        let mut frame = (msg.len() as u16).to_be_bytes().to_vec();
        frame.extend_from_slice(msg);
        s.write_all(&frame).unwrap();
    }

    pub(crate) fn recv(s: &mut TcpStream) -> Vec<u8> {
        let mut len = [0u8; 2];
        s.read_exact(&mut len).unwrap();
        let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
        s.read_exact(&mut buf).unwrap();
        buf
    }

    pub(crate) fn apdu(s: &mut TcpStream, msg: &[u8]) -> Vec<u8> {
        send(s, msg);
        recv(s)
    }

    /// An in-memory log sink shared with the test.
    #[derive(Clone, Default)]
    pub(crate) struct SharedLog(pub(crate) Arc<Mutex<Vec<u8>>>);

    impl Write for SharedLog {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}

#[test]
fn vpcd_bridge_against_a_fake_vpcd() {
    use beid_simulator::VpcdBridge;
    use std::net::TcpListener;
    use std::sync::atomic::Ordering;
    use std::time::Duration;
    use vpcd_fake::{SharedLog, apdu, recv, send};

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut c = card(Generation::Applet18);
    c.faults_mut().remove_at_apdu(7);
    let log = SharedLog::default();
    let mut bridge = VpcdBridge::new(c, addr.to_string())
        .reconnect_interval(Duration::from_millis(20))
        .apdu_log(Box::new(log.clone()));
    let stop = bridge.stop_flag();
    let handle = std::thread::spawn(move || {
        bridge.run().unwrap();
        bridge.into_card()
    });
    let timeout = Some(Duration::from_secs(10));

    // session 1: power on, ATR, select, read, verify, reset, power cycle
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(timeout).unwrap();
    send(&mut s, &[0x01]);
    send(&mut s, &[0x04]);
    assert_eq!(recv(&mut s), ATR18);
    assert_eq!(
        apdu(
            &mut s,
            &h("00 A4 04 00 0F A0 00 00 00 30 29 05 70 00 AD 13 10 01 01 FF")
        ),
        [0x90, 0x00]
    );
    assert_eq!(
        apdu(&mut s, &h("00 A4 08 0C 06 3F 00 DF 01 40 31")),
        [0x90, 0x00]
    );
    let r = apdu(&mut s, &h("00 B0 00 00 10"));
    assert_eq!((r.len(), &r[16..]), (18, &[0x90, 0x00][..]));
    assert_eq!(apdu(&mut s, &verify_apdu("1234")), [0x90, 0x00]);
    send(&mut s, &[0x02]); // reset: the PIN right is gone
    assert_eq!(apdu(&mut s, &h("00 20 00 01")), [0x63, 0xC3]);
    send(&mut s, &[0x00]);
    send(&mut s, &[0x01]);
    send(&mut s, &[0x04]);
    assert_eq!(recv(&mut s), ATR18);
    drop(s); // vpcd goes away

    // session 2: the bridge reconnects; APDU 7 finds the card removed → connection closed
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(timeout).unwrap();
    send(&mut s, &[0x04]);
    assert_eq!(recv(&mut s), ATR18);
    assert_eq!(apdu(&mut s, &h("80 E4 00 00 1C")).len(), 30);
    send(&mut s, &h("80 E4 00 00 1C"));
    let mut probe = [0u8; 1];
    assert_eq!(
        std::io::Read::read(&mut s, &mut probe).unwrap_or(0),
        0,
        "closed"
    );

    // session 3: card inserted again
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(timeout).unwrap();
    send(&mut s, &[0x01]);
    assert_eq!(apdu(&mut s, &h("80 E4 00 00 1C")).len(), 30);
    stop.store(true, Ordering::Relaxed);
    let card = handle.join().unwrap();
    assert_eq!(card.apdu_count(), 8);

    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("> 0020000108FFFFFFFFFFFFFFFF\n< 9000\n"),
        "{text}"
    );
    assert!(!text.contains("241234"));
    assert!(text.contains("! removed"));
}

#[test]
fn vpcd_bridge_once_returns_after_the_first_connection() {
    use beid_simulator::VpcdBridge;
    use std::net::TcpListener;
    use std::time::Duration;
    use vpcd_fake::{apdu, recv, send};

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut bridge = VpcdBridge::new(card(Generation::Applet17), addr.to_string())
        .reconnect_interval(Duration::from_millis(20))
        .once(true);
    let handle = std::thread::spawn(move || bridge.run().map(|()| bridge.into_card()));
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    send(&mut s, &[0x04]);
    assert_eq!(recv(&mut s), ATR17);
    assert_eq!(apdu(&mut s, &h("80 E4 00 00 1C")).len(), 30);
    drop(s);
    let card = handle.join().unwrap().unwrap();
    assert_eq!(card.apdu_count(), 1);
}

/// The `beid-sim` binary against a fake vpcd: `--once`, `--pin`, `--export-root`, `--apdu-log`.
#[test]
fn beid_sim_binary_serves_one_connection() {
    use std::net::TcpListener;
    use std::time::Duration;
    use vpcd_fake::{apdu, recv, send};

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root.pem");
    let log = dir.path().join("apdu.log");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_beid-sim"))
        .args([
            "--vpcd",
            &addr.to_string(),
            "--profile",
            "applet-1.7",
            "--pin",
            "4321",
        ])
        .arg("--export-root")
        .arg(&root)
        .arg("--apdu-log")
        .arg(&log)
        .arg("--once")
        .spawn()
        .unwrap();
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    send(&mut s, &[0x01]);
    send(&mut s, &[0x04]);
    assert_eq!(recv(&mut s), ATR17);
    assert_eq!(apdu(&mut s, &verify_apdu("1234")), [0x63, 0xC2]);
    assert_eq!(apdu(&mut s, &verify_apdu("4321")), [0x90, 0x00]);
    drop(s);
    let status = child.wait().unwrap();
    assert!(status.success());
    let pem = std::fs::read_to_string(&root).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains("> 0020000108FFFFFFFFFFFFFFFF\n< 63C2\n"),
        "{log}"
    );
    assert!(!log.contains("244321") && !log.contains("241234"));
}

/// SIGTERM ends `beid-sim` cleanly (status 0), also while it waits for vpcd.
#[cfg(unix)]
#[test]
fn beid_sim_binary_exits_on_sigterm() {
    use std::net::TcpListener;
    use std::time::Duration;
    use vpcd_fake::{recv, send};

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_beid-sim"))
        .args(["--vpcd", &addr.to_string(), "--profile", "applet-1.8"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    send(&mut s, &[0x04]);
    assert_eq!(recv(&mut s), ATR18);
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

/// Every ready profile of the content builder is served: all files readable byte for byte
/// (eid-mw's read path), the holder keys sign where the card has them.
#[test]
fn profiles_serve_their_content() {
    use beid_simulator::Profile;
    for profile in Profile::ALL {
        let mut c = VirtualCard::from_image(profile.image().unwrap());
        let ids: Vec<FileId> = c.image().files.keys().copied().collect();
        for id in ids {
            assert_eq!(x(&mut c, &path_apdu(id)).1, 0x9000, "{profile:?} {id}");
            assert_eq!(eidmw_read(&mut c), file(&c, id), "{profile:?} {id}");
        }
        let (cd, s) = xh(&mut c, "80 E4 00 00 1C");
        assert_eq!((cd.len(), s), (28, 0x9000));
        assert_eq!(cd[21], profile.generation().applet_version());
        let (alg, _) = default_alg(profile.generation());
        if c.image().keys.authentication.is_some() {
            assert_eq!(verify(&mut c, "1234"), 0x9000, "{profile:?}");
            let sig = sign_with(&mut c, 0x82).unwrap();
            check_default_sig(profile.generation(), &auth_key(&c), &sig);
        } else {
            assert_eq!(
                mse(&mut c, alg, 0x82),
                0x6A88,
                "{profile:?} has no holder keys"
            );
        }
    }
}
