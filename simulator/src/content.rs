//! Byte-exact contents of every file of the virtual card (spec §2, §4, §7, §9.2, §11).
//!
//! Pure functions: the builder ([`crate::builder`]) decides *what* goes on the card, this module
//! writes the bytes.

use beid::Generation;

use crate::error::{InputProblem, SimulatorError};
use crate::keys::{HashAlg, SigningKey};

type Result<T, E = SimulatorError> = core::result::Result<T, E>;

/// ATR of a generation (the library's, spec §1.1).
pub(crate) fn atr(generation: Generation) -> Vec<u8> {
    if generation.is_ec() {
        beid::vocab::ATR_APPLET_18.to_vec()
    } else {
        beid::vocab::ATR_APPLET_17.to_vec()
    }
}

/// First six bytes of every real chip serial seen: ASCII "SLIN3f" (spec §9.2).
pub(crate) const SERIAL_PREFIX: &[u8; 6] = b"SLIN3f";

/// Bytes 16..28 of GET CARD DATA (spec §9.2). Bytes 16–20 (component code, OS number, OS
/// version, softmask number and version) are "platform specific" in RM17/RM18; the values here
/// are plausible inventions. Byte 21 is the applet version, 22–23 the global OS version, 24
/// the interface version, 25 PKCS#1 support, 26 the key exchange version, 27 the life cycle
/// (`0F` = personalized).
const CARD_DATA_TAIL_17: [u8; 12] = [
    0x87, 0x03, 0x1C, 0x01, 0x02, 0x17, 0x00, 0x03, 0x00, 0x21, 0x01, 0x0F,
];
const CARD_DATA_TAIL_18: [u8; 12] = [
    0xD0, 0x04, 0x0A, 0x01, 0x03, 0x18, 0x00, 0x01, 0x00, 0x00, 0x02, 0x0F,
];

/// The 28-byte GET CARD DATA answer (spec §9.2): chip serial then generation bytes.
pub(crate) fn card_data(generation: Generation, serial: &[u8; 16]) -> [u8; 28] {
    let mut out = [0u8; 28];
    let tail = if generation.is_ec() {
        &CARD_DATA_TAIL_18
    } else {
        &CARD_DATA_TAIL_17
    };
    for (dst, src) in out.iter_mut().zip(serial.iter().chain(tail.iter())) {
        *dst = *src;
    }
    out
}

/// EF(DIR) `3F00 2F00` (spec §11.2, 37 bytes).
pub(crate) const EF_DIR: [u8; 37] = [
    0x61, 0x23, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x01, 0x77, 0x50, 0x4B, 0x43, 0x53, 0x2D, 0x31, 0x35,
    0x50, 0x06, 0x42, 0x45, 0x4C, 0x50, 0x49, 0x43, 0x51, 0x04, 0x3F, 0x00, 0xDF, 0x00, 0x73, 0x05,
    0x06, 0x03, 0x60, 0x38, 0x02,
];

/// EF(ODF) `3F00 DF00 5031` (spec §11.3, 36 bytes).
pub(crate) const EF_ODF: [u8; 36] = [
    0xA0, 0x0A, 0x30, 0x08, 0x04, 0x06, 0x3F, 0x00, 0xDF, 0x00, 0x50, 0x35, // PrKDF
    0xA4, 0x0A, 0x30, 0x08, 0x04, 0x06, 0x3F, 0x00, 0xDF, 0x00, 0x50, 0x37, // CDF
    0xA8, 0x0A, 0x30, 0x08, 0x04, 0x06, 0x3F, 0x00, 0xDF, 0x00, 0x50, 0x34, // AODF
];

/// EF(AODF) `3F00 DF00 5034` (spec §11.5, 53 bytes): "Basic PIN", reference 1, 4..8 digits.
pub(crate) const EF_AODF: [u8; 53] = [
    0x30, 0x33, 0x30, 0x0F, 0x0C, 0x09, 0x42, 0x61, 0x73, 0x69, 0x63, 0x20, 0x50, 0x49, 0x4E, 0x03,
    0x02, 0x06, 0xC0, 0x30, 0x03, 0x04, 0x01, 0x01, 0xA1, 0x1B, 0x30, 0x19, 0x03, 0x02, 0x02, 0x0C,
    0x0A, 0x01, 0x00, 0x02, 0x01, 0x04, 0x02, 0x01, 0x08, 0x80, 0x01, 0x01, 0x04, 0x01, 0xFF, 0x30,
    0x04, 0x04, 0x02, 0x3F, 0x00,
];

/// The four TokenInfo version bytes (spec §11.4): graphical perso version, electrical perso
/// version (03 = 1.7 "new chip", 04 = 1.8, matching the ATR table), electrical perso interface
/// version, RFU. Graphical version `08` is the 2020+ layout (the eID Viewer switches to the new
/// field wording on it); 1.7 cards get an older layout number.
pub(crate) fn perso_versions(generation: Generation) -> [u8; 4] {
    if generation.is_ec() {
        [0x08, 0x04, 0x00, 0x00]
    } else {
        [0x07, 0x03, 0x00, 0x00]
    }
}

/// EF(TokenInfo) `3F00 DF00 5032` (spec §11.4, 41 bytes).
pub(crate) fn token_info(serial: &[u8; 16], versions: [u8; 4]) -> Vec<u8> {
    let mut out = Vec::with_capacity(41);
    out.extend_from_slice(&[0x30, 0x27, 0x02, 0x01, 0x00, 0x04, 0x10]);
    out.extend_from_slice(serial);
    out.extend_from_slice(&[0x80, 0x06]);
    out.extend_from_slice(b"BELPIC");
    out.extend_from_slice(&[0x03, 0x02, 0x04, 0x30, 0x9E, 0x04]);
    out.extend_from_slice(&versions);
    out
}

/// Wrap `content` in a DER TLV with a short or long definite length.
fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 4);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// Zero-pad `body` up to `full_len`, with an even number of zero bytes (eid-mw's CDF parser
/// consumes padding as `00 00` items, spec §11.7).
fn pad_even(mut body: Vec<u8>, full_len: usize) -> Vec<u8> {
    let mut zeros = full_len.saturating_sub(body.len());
    if zeros % 2 == 1 {
        zeros += 1;
    }
    body.resize(body.len() + zeros, 0);
    body
}

/// One PrKDF entry (spec §11.6).
fn prkdf_entry(ec: bool, signature: bool) -> Vec<u8> {
    let (label, user_consent, id, usage, key_ref): (&[u8], &[u8], u8, &[u8], u8) = if signature {
        (
            b"Signature",
            &[0x02, 0x01, 0x01],
            0x03,
            &[0x03, 0x03, 0x06, 0x00, 0x40],
            0x83,
        )
    } else {
        (
            b"Authentication",
            &[],
            0x02,
            &[0x03, 0x02, 0x05, 0x20],
            0x82,
        )
    };
    // commonObjectAttributes: label, flags private+modifiable, authId 01 [, userConsent 1].
    let common = der_tlv(
        0x30,
        &cat(&[
            &der_tlv(0x0C, label),
            &[0x03, 0x02, 0x06, 0xC0, 0x04, 0x01, 0x01],
            user_consent,
        ]),
    );
    // commonKeyAttributes: ID, usage, access flags, keyReference.
    let key_attrs = der_tlv(
        0x30,
        &cat(&[
            &[0x04, 0x01, id],
            usage,
            &[0x03, 0x02, 0x03, 0xB8, 0x02, 0x02, 0x00, key_ref],
        ]),
    );
    // [1] typeAttributes: path 3F00 DF00, modulus length 2048 (`08 00`) or key size 384.
    let size: [u8; 2] = if ec { [0x01, 0x80] } else { [0x08, 0x00] };
    let type_attrs = cat(&[
        &[
            0xA1, 0x0E, 0x30, 0x0C, 0x30, 0x06, 0x04, 0x04, 0x3F, 0x00, 0xDF, 0x00, 0x02, 0x02,
        ],
        &size,
    ]);
    der_tlv(
        if ec { 0xA0 } else { 0x30 },
        &cat(&[&common, &key_attrs, &type_attrs]),
    )
}

/// EF(PrKDF) `3F00 DF00 5035` (spec §11.6). RSA form on 1.7 with modulus length `08 00`
/// (2048 bits; C401 still prints `04 00`, spec §15 item 3 — the logical value is used because
/// the keys are 2048-bit), EC form (`A0` entries, `01 80` = 384 bits) on 1.8. Entries of keys
/// the card does not have are left out and the file is zero-padded to its full size (the
/// convention of the CDF reduced cases, spec §11.7). Full sizes: 119 bytes for both forms —
/// the sum of the spec's entry bytes (§2.2's "120 bytes on 1.8" comes from C54's offsets,
/// which disagree with its own bytes by one).
pub(crate) fn prkdf(generation: Generation, auth: bool, non_rep: bool) -> Vec<u8> {
    let ec = generation.is_ec();
    let full = prkdf_entry(ec, false).len() + prkdf_entry(ec, true).len();
    let mut body = Vec::new();
    if auth {
        body.extend(prkdf_entry(ec, false));
    }
    if non_rep {
        body.extend(prkdf_entry(ec, true));
    }
    if body.len() == full {
        body
    } else {
        pad_even(body, full)
    }
}

/// The certificate entries of the CDF.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CdfEntry {
    Authentication,
    Signature,
    Ca,
    Root,
}

/// One CDF entry (spec §11.7).
fn cdf_entry(ec: bool, entry: CdfEntry) -> Vec<u8> {
    let (label, id, authority, fid): (&[u8], u8, bool, u8) = match entry {
        CdfEntry::Authentication => (b"Authentication", 0x02, false, 0x38),
        CdfEntry::Signature => (b"Signature", 0x03, false, 0x39),
        CdfEntry::Ca => (b"CA", 0x04, true, 0x3A),
        CdfEntry::Root => (b"Root", 0x06, true, 0x3B),
    };
    let flags: &[u8] = if ec {
        &[0x03, 0x02, 0x06, 0x40]
    } else {
        &[0x03, 0x02, 0x06, 0xC0]
    };
    let common = der_tlv(
        0x30,
        &cat(&[&der_tlv(0x0C, label), flags, &[0x04, 0x01, 0x01]]),
    );
    let cert_attrs = der_tlv(
        0x30,
        &cat(&[
            &[0x04, 0x01, id],
            if authority { &[0x01, 0x01, 0xFF] } else { &[] },
            if ec { &[0x83, 0x01, 0x00] } else { &[] },
        ]),
    );
    let path: [u8; 14] = [
        0xA1, 0x0C, 0x30, 0x0A, 0x30, 0x08, 0x04, 0x06, 0x3F, 0x00, 0xDF, 0x00, 0x50, fid,
    ];
    der_tlv(0x30, &cat(&[&common, &cert_attrs, &path]))
}

/// EF(CDF) `3F00 DF00 5037` (spec §11.7): RSA form (flags `06 C0`) on 1.7, EC form (flags
/// `06 40`, implicitTrust FALSE) on 1.8. Reduced cases: entries of missing holder certificates
/// are left out, the rest of the file is zero bytes (an even number of them).
pub(crate) fn cdf(generation: Generation, auth: bool, non_rep: bool) -> Vec<u8> {
    let ec = generation.is_ec();
    let all = [
        CdfEntry::Authentication,
        CdfEntry::Signature,
        CdfEntry::Ca,
        CdfEntry::Root,
    ];
    let full: usize = all.iter().map(|&e| cdf_entry(ec, e).len()).sum();
    let mut body = Vec::new();
    for e in all {
        let present = match e {
            CdfEntry::Authentication => auth,
            CdfEntry::Signature => non_rep,
            CdfEntry::Ca | CdfEntry::Root => true,
        };
        if present {
            body.extend(cdf_entry(ec, e));
        }
    }
    if body.len() == full {
        body
    } else {
        pad_even(body, full)
    }
}

/// A certificate file (spec §2.2): DER followed by zero bytes — 50 on 1.7, 1100 on 1.8; a
/// missing certificate is 1300 (1.7) or 2500 (1.8) zero bytes.
pub(crate) fn certificate_file(generation: Generation, der: Option<&[u8]>) -> Vec<u8> {
    let ec = generation.is_ec();
    match der {
        Some(der) => {
            let pad = if ec { 1100 } else { 50 };
            let mut out = Vec::with_capacity(der.len() + pad);
            out.extend_from_slice(der);
            out.resize(der.len() + pad, 0);
            out
        }
        None => vec![0u8; if ec { 2500 } else { 1300 }],
    }
}

/// Fixed size of EF(ID#Address) (spec §2.2, §4.3).
pub(crate) const ADDRESS_FILE_LEN: usize = 117;

/// Largest TLV value the simulator writes: below 128 bytes every reader's length rule agrees
/// (spec §4.1).
pub(crate) const MAX_TLV_VALUE: usize = 127;

/// Fixed size of an EC signature file (DER signature + zero bytes; spec §7.2, §15 item 8: 256
/// bytes as in the EC test vector).
pub(crate) const EC_SIGNATURE_FILE_LEN: usize = 256;

/// Sign `data` with the RRN key the way the generation does (spec §7.2): RSA PKCS#1 v1.5
/// SHA-256 (the file is the 256-byte signature) or ECDSA P-384 SHA-384, DER-encoded, followed
/// by zero bytes up to 256 bytes.
pub(crate) fn signature_file(key: &SigningKey, data: &[u8]) -> Result<Vec<u8>> {
    match key {
        SigningKey::Rsa(_) => key.sign_message_with(HashAlg::Sha256, data),
        SigningKey::Ec(_) => {
            let mut sig = key.sign_message_with(HashAlg::Sha384, data)?;
            if sig.len() < EC_SIGNATURE_FILE_LEN {
                sig.resize(EC_SIGNATURE_FILE_LEN, 0);
            }
            Ok(sig)
        }
    }
}

/// The exact input of the address signature (spec §7.3): the address file with all trailing
/// `00` bytes removed, immediately followed by the complete identity-signature file (including
/// the zero padding of an EC signature file).
pub(crate) fn address_signature_input(address_file: &[u8], identity_signature: &[u8]) -> Vec<u8> {
    let end = address_file
        .iter()
        .rposition(|&b| b != 0)
        .map_or(0, |p| p + 1);
    let mut out = Vec::with_capacity(end + identity_signature.len());
    out.extend_from_slice(address_file.get(..end).unwrap_or(address_file));
    out.extend_from_slice(identity_signature);
    out
}

/// The photo hash of tag 0x11 (spec §7.4): SHA-256 on 1.7, SHA-384 on 1.8.
pub(crate) fn photo_hash(generation: Generation, photo: &[u8]) -> Result<Vec<u8>> {
    let h = if generation.is_ec() {
        HashAlg::Sha384
    } else {
        HashAlg::Sha256
    };
    h.hash(photo).ok_or(SimulatorError::input(
        "photo",
        InputProblem::Conflict {
            with: "hash unavailable",
        },
    ))
}

/// The shipped specimen photo: a real 140×200 8-bit greyscale JPEG (spec §2.2).
pub(crate) const PHOTO: &[u8] = include_bytes!("../assets/photo.jpg");

/// A different but still valid JPEG: `photo` with a comment segment inserted after SOI
/// (for "swapped photo" cards, whose photo no longer matches tag 0x11).
pub(crate) fn altered_photo(photo: &[u8]) -> Vec<u8> {
    let comment = b"beid-simulator: swapped photo";
    let mut out = Vec::with_capacity(photo.len() + comment.len() + 4);
    let (soi, rest) = photo.split_at(photo.len().min(2));
    out.extend_from_slice(soi);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(comment);
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn ascii_hex(label: &str) -> String {
        label.bytes().map(|b| format!("{b:02X} ")).collect()
    }

    #[test]
    fn card_data_layout() {
        let serial = *b"SLIN3f0123456789";
        let d = card_data(Generation::Applet17, &serial);
        assert_eq!(&d[..16], &serial);
        assert_eq!(&d[21..], &[0x17, 0x00, 0x03, 0x00, 0x21, 0x01, 0x0F]);
        let d = card_data(Generation::Applet18, &serial);
        assert_eq!(&d[21..], &[0x18, 0x00, 0x01, 0x00, 0x00, 0x02, 0x0F]);
    }

    #[test]
    fn token_info_bytes() {
        let serial = [0x11u8; 16];
        let t = token_info(&serial, [4, 2, 0, 0]);
        let mut expected = hex("30 27 02 01 00 04 10");
        expected.extend_from_slice(&serial);
        expected.extend(hex("80 06 42 45 4C 50 49 43 03 02 04 30 9E 04 04 02 00 00"));
        assert_eq!(t, expected);
        assert_eq!(t.len(), 41);
    }

    #[test]
    fn prkdf_ec_matches_spec() {
        let expected = hex(&format!(
            "A0 3A 30 17 0C 0E {} 03 02 06 C0 04 01 01
             30 0F 04 01 02 03 02 05 20 03 02 03 B8 02 02 00 82
             A1 0E 30 0C 30 06 04 04 3F 00 DF 00 02 02 01 80
             A0 39 30 15 0C 09 {} 03 02 06 C0 04 01 01 02 01 01
             30 10 04 01 03 03 03 06 00 40 03 02 03 B8 02 02 00 83
             A1 0E 30 0C 30 06 04 04 3F 00 DF 00 02 02 01 80",
            ascii_hex("Authentication"),
            ascii_hex("Signature")
        ));
        assert_eq!(prkdf(Generation::Applet18, true, true), expected);
        // The spec's bytes add up to 119 (0x3A + 2 + 0x39 + 2); §2.2 says "120" from C54's
        // offsets, which do not match its own bytes.
        assert_eq!(expected.len(), 119);
    }

    #[test]
    fn prkdf_rsa_matches_spec_with_2048_bits() {
        let expected = hex(&format!(
            "30 3A 30 17 0C 0E {} 03 02 06 C0 04 01 01
             30 0F 04 01 02 03 02 05 20 03 02 03 B8 02 02 00 82
             A1 0E 30 0C 30 06 04 04 3F 00 DF 00 02 02 08 00
             30 39 30 15 0C 09 {} 03 02 06 C0 04 01 01 02 01 01
             30 10 04 01 03 03 03 06 00 40 03 02 03 B8 02 02 00 83
             A1 0E 30 0C 30 06 04 04 3F 00 DF 00 02 02 08 00",
            ascii_hex("Authentication"),
            ascii_hex("Signature")
        ));
        assert_eq!(prkdf(Generation::Applet17, true, true), expected);
        // Kids card: no keys, all zeros (even count), same size rounded up.
        let none = prkdf(Generation::Applet17, false, false);
        assert!(none.iter().all(|&b| b == 0) && none.len().is_multiple_of(2) && none.len() >= 119);
    }

    fn cdf_rsa_expected() -> Vec<u8> {
        hex(&format!(
            "30 2C 30 17 0C 0E {} 03 02 06 C0 04 01 01 30 03 04 01 02 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 38
             30 27 30 12 0C 09 {} 03 02 06 C0 04 01 01 30 03 04 01 03 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 39
             30 23 30 0B 0C 02 {} 03 02 06 C0 04 01 01 30 06 04 01 04 01 01 FF A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 3A
             30 25 30 0D 0C 04 {} 03 02 06 C0 04 01 01 30 06 04 01 06 01 01 FF A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 3B",
            ascii_hex("Authentication"),
            ascii_hex("Signature"),
            ascii_hex("CA"),
            ascii_hex("Root")
        ))
    }

    #[test]
    fn cdf_rsa_matches_spec() {
        let expected = cdf_rsa_expected();
        assert_eq!(expected.len(), 163);
        assert_eq!(cdf(Generation::Applet17, true, true), expected);
    }

    #[test]
    fn cdf_ec_matches_spec() {
        let expected = hex(&format!(
            "30 2F 30 17 0C 0E {} 03 02 06 40 04 01 01 30 06 04 01 02 83 01 00 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 38
             30 2A 30 12 0C 09 {} 03 02 06 40 04 01 01 30 06 04 01 03 83 01 00 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 39
             30 26 30 0B 0C 02 {} 03 02 06 40 04 01 01 30 09 04 01 04 01 01 FF 83 01 00 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 3A
             30 28 30 0D 0C 04 {} 03 02 06 40 04 01 01 30 09 04 01 06 01 01 FF 83 01 00 A1 0C 30 0A 30 08 04 06 3F 00 DF 00 50 3B",
            ascii_hex("Authentication"),
            ascii_hex("Signature"),
            ascii_hex("CA"),
            ascii_hex("Root")
        ));
        assert_eq!(expected.len(), 0xAF);
        assert_eq!(cdf(Generation::Applet18, true, true), expected);
    }

    #[test]
    fn cdf_reduced_cases() {
        let full = cdf_rsa_expected();
        let auth_len = 46;
        let sig_len = 41;
        // (a) no non-repudiation certificate: Signature entry left out, zeros after.
        let a = cdf(Generation::Applet17, true, false);
        assert_eq!(&a[..auth_len], &full[..auth_len]);
        assert_eq!(
            &a[auth_len..auth_len + 37 + 39],
            &full[auth_len + sig_len..]
        );
        let zeros = &a[auth_len + 37 + 39..];
        assert!(
            zeros.iter().all(|&b| b == 0) && zeros.len().is_multiple_of(2) && !zeros.is_empty()
        );
        assert!(a.len() >= full.len());
        // (b) no holder certificate: starts with the CA entry.
        let b = cdf(Generation::Applet17, false, false);
        assert_eq!(&b[..2], &[0x30, 0x23]);
        assert_eq!(&b[..76], &full[auth_len + sig_len..]);
        assert!(b[76..].iter().all(|&x| x == 0) && (b.len() - 76).is_multiple_of(2));
        let e = cdf(Generation::Applet18, false, false);
        assert_eq!(&e[..2], &[0x30, 0x26]);
    }

    #[test]
    fn fixed_files() {
        assert_eq!(EF_DIR.len(), 37);
        assert_eq!(EF_ODF.len(), 36);
        assert_eq!(EF_AODF.len(), 53);
        assert_eq!(EF_AODF[1] as usize + 2, 53);
        assert_eq!(EF_DIR[1] as usize + 2, 37);
    }

    #[test]
    fn certificate_files() {
        let der = [0x30, 0x03, 1, 2, 3];
        assert_eq!(certificate_file(Generation::Applet17, Some(&der)).len(), 55);
        assert_eq!(
            certificate_file(Generation::Applet18, Some(&der)).len(),
            1105
        );
        assert_eq!(certificate_file(Generation::Applet17, None), vec![0; 1300]);
        assert_eq!(certificate_file(Generation::Applet18, None), vec![0; 2500]);
    }

    #[test]
    fn address_and_signature_input() {
        let a = beid::files::AddressBuilder::new("Specimenstraat 12", "1000", "Brussel")
            .pad_to(ADDRESS_FILE_LEN)
            .encode();
        assert_eq!(a.len(), 117);
        assert_eq!(&a[..2], &[0x01, 17]);
        let input = address_signature_input(&a, &[0xAA, 0x00, 0x00]);
        assert_eq!(input.len(), 2 + 17 + 2 + 4 + 2 + 7 + 3);
        assert_eq!(&input[input.len() - 3..], &[0xAA, 0x00, 0x00]);
    }

    #[test]
    fn photo_is_a_jpeg_and_alteration_stays_one() {
        assert_eq!(&PHOTO[..2], &[0xFF, 0xD8]);
        assert_eq!(&PHOTO[PHOTO.len() - 2..], &[0xFF, 0xD9]);
        let alt = altered_photo(PHOTO);
        assert_ne!(alt, PHOTO);
        assert_eq!(&alt[..4], &[0xFF, 0xD8, 0xFF, 0xFE]);
        assert_eq!(photo_hash(Generation::Applet17, PHOTO).unwrap().len(), 32);
        assert_eq!(photo_hash(Generation::Applet18, PHOTO).unwrap().len(), 48);
    }

    #[test]
    fn atrs() {
        assert_eq!(atr(Generation::Applet17).len(), 13);
        assert_eq!(
            atr(Generation::Applet18)[..5],
            [0x3B, 0x7F, 0x96, 0x00, 0x00]
        );
    }
}
