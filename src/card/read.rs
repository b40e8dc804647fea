//! How each file is read with the fewest APDUs (spec §2.2, §3.2).
//!
//! The card returns no FCI, so a file's size is unknown before it is read. The reader uses what
//! the content itself says:
//!
//! * DER files (certificates, TokenInfo, the basic public key): the length is in the first
//!   bytes, so every later READ BINARY asks for exactly what is left, and the zero padding after
//!   a certificate is never read;
//! * a certificate file starting with `00` holds no certificate (kids cards, §2.2): one read;
//! * TLV files (identity, address): the address is zero padded, so the first `00` tag after the
//!   content ends the read; the identity file is read to its end;
//! * the JPEG photo ends with its EOI marker (found by a structural walk, not a byte search);
//! * signature files have the size of the key on RSA cards (256 bytes on 1.7) and are read to
//!   the end on EC cards, where the DER signature is followed by padding that the address
//!   signature covers (§7.3).
//!
//! End of file is recognised the way real cards signal it (§3.2): `6C xx` (the channel re-sends
//! with Le = `xx`, and a short answer means the end is reached) or `6B 00` at a non-zero offset.

use crate::vocab::FileId;
use crate::vocab::Generation;

/// Tuning of the read path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Largest Le per READ BINARY, 1..=256 (default 256, sent as `00`). eid-mw uses 252 and the
    /// Windows minidriver 128 (spec §3.2); lower it for readers that cannot take 256-byte answers.
    pub chunk: u16,
    /// Refuse files larger than this (default 32 KiB, the card's offset limit).
    pub max_file_len: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            chunk: 256,
            max_file_len: 0x8000,
        }
    }
}

impl ReadOptions {
    /// Set the chunk size (clamped to 1..=256).
    pub fn with_chunk(mut self, chunk: u16) -> Self {
        self.chunk = chunk.clamp(1, 256);
        self
    }
}

/// What the content of a file says about its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// One DER object; bytes after it are padding.
    Der,
    /// A certificate file: DER, or all zeros when absent.
    Certificate,
    /// Simplified TLV, possibly zero padded.
    Tlv,
    /// A JPEG image.
    Jpeg,
    /// Exactly this many bytes.
    Fixed(usize),
    /// Read to the end of the file.
    ToEnd,
}

/// How to read `file` on a card of generation `generation`: its shape and a first-read size
/// guess (typical size from §2.2, so that small files come in one APDU).
pub(crate) fn plan(file: FileId, generation: Generation) -> (Shape, Option<usize>) {
    match file {
        FileId::Identity => (Shape::Tlv, None),
        FileId::Address => (Shape::Tlv, Some(117)),
        FileId::IdentitySignature | FileId::AddressSignature => match generation {
            Generation::Applet17 => (Shape::Fixed(256), Some(256)),
            Generation::V1 => (Shape::Fixed(128), Some(128)),
            _ => (Shape::ToEnd, None),
        },
        FileId::Photo => (Shape::Jpeg, None),
        f if f.is_certificate() => (Shape::Certificate, None),
        FileId::TokenInfo => (Shape::Der, Some(41)),
        FileId::BasicPublicKey => (Shape::Der, Some(120)),
        FileId::Dir => (Shape::Der, Some(37)),
        FileId::Aodf => (Shape::Der, Some(53)),
        _ => (Shape::ToEnd, None),
    }
}

/// Typical size of a file, for progress estimates before its real size is known (§2.2).
pub(crate) fn typical_len(file: FileId, generation: Generation) -> usize {
    match file {
        FileId::Identity => 200,
        FileId::Address => 117,
        FileId::IdentitySignature | FileId::AddressSignature => {
            if generation == Generation::V1 {
                128
            } else {
                256
            }
        }
        FileId::Photo => 3000,
        FileId::RootCertificate => 1400,
        f if f.is_certificate() => 1100,
        FileId::TokenInfo => 41,
        FileId::BasicPublicKey => 120,
        _ => 64,
    }
}

/// National numbers in the subject `serialNumber` attributes of a certificate (OID 2.5.4.5,
/// PrintableString or UTF8String of 11 digits), found by a byte scan (cheap, no full parse).
pub(crate) fn subject_serial_numbers(der: &[u8]) -> impl Iterator<Item = &[u8]> {
    const OID: [u8; 5] = [0x06, 0x03, 0x55, 0x04, 0x05];
    let mut pos = 0usize;
    core::iter::from_fn(move || {
        while let Some(rest) = der.get(pos..) {
            // Jump from one 0x55 byte to the next instead of testing every window.
            let i = rest.iter().position(|b| *b == 0x55)?;
            let at = pos + i;
            pos = at + 1;
            let Some(start) = at.checked_sub(2) else {
                continue;
            };
            if der.get(start..start + 5) != Some(&OID[..]) {
                continue;
            }
            let (Some(&tag), Some(&len)) = (der.get(start + 5), der.get(start + 6)) else {
                return None;
            };
            let v = der.get(start + 7..start + 7 + len as usize)?;
            if matches!(tag, 0x13 | 0x0C) && len == 11 && v.iter().all(u8::is_ascii_digit) {
                return Some(v);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_number_scan() {
        let mut der = vec![0x55, 0x31, 0x14, 0x30, 0x12];
        der.extend_from_slice(&[0x06, 0x03, 0x55, 0x04, 0x05, 0x13, 0x0B]);
        der.extend_from_slice(b"71715100070");
        der.extend_from_slice(&[0x30, 0x82]);
        let found: Vec<_> = subject_serial_numbers(&der).collect();
        assert_eq!(found, vec![&b"71715100070"[..]]);
    }
}
