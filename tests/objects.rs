//! Integration tests of the binary object parsers through the public API (spec §2.2, §7.5,
//! §9.2, §11.4): a simulated read path that uses `der_len` / `jpeg_len` to know how much to
//! read, then parses.

use beid::files::{
    AppletVersions, BasicPublicKey, CardData, Certificate, EcCurve, KeyKind, LifeCycle, Photo,
    TokenInfo, der_len, jpeg_len,
};
use beid::{FileId, Generation, ParseErrorKind, Parsed};

const RSA: &[u8] = include_bytes!("data/rsa2048-auth.der");
const EC: &[u8] = include_bytes!("data/p384-sign.der");
const BASIC: &[u8] = include_bytes!("data/basic-p384.spki.der");

/// Read a file the way a reader does: chunks of at most `chunk` bytes until `complete` gives
/// the object's length, then exactly the missing bytes. `None` if the file ends first.
fn read_like_a_reader(
    file: &[u8],
    chunk: usize,
    complete: impl Fn(&[u8]) -> Option<usize>,
) -> Option<Vec<u8>> {
    let mut read = Vec::new();
    loop {
        let end = match complete(&read) {
            Some(len) if read.len() >= len => {
                read.truncate(len);
                return Some(read);
            }
            Some(len) => len,
            None => read.len() + chunk,
        };
        let more = file.get(read.len()..end.min(file.len()))?;
        if more.is_empty() {
            return None;
        }
        read.extend_from_slice(more);
    }
}

#[test]
fn certificate_read_path_stops_at_der_length() {
    for (der, pad) in [(RSA, 50), (EC, 1100)] {
        let mut file = der.to_vec();
        file.resize(der.len() + pad, 0);
        let read = read_like_a_reader(&file, 4, der_len).unwrap();
        assert_eq!(read, der);
        let cert = Certificate::parse_file(FileId::AuthenticationCertificate, &read).unwrap();
        assert_eq!(cert.der(), der);
        assert_eq!(
            cert.holder_national_number().unwrap().reveal(),
            "71715100070"
        );
    }
    let cert = Certificate::parse(EC).unwrap();
    assert_eq!(
        cert.key_kind(),
        KeyKind::Ec {
            curve: EcCurve::P384
        }
    );
    let err = Certificate::parse_file(FileId::NonRepudiationCertificate, &[0; 2500]).unwrap_err();
    assert_eq!(err.what(), Parsed::File(FileId::NonRepudiationCertificate));
    assert_eq!(err.kind(), ParseErrorKind::Empty);
    assert!(Certificate::is_absent(&[0; 1300]));
}

#[test]
fn photo_read_path_stops_at_eoi() {
    let mut jpeg = vec![
        0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0xC8, 0x00, 0x8C,
    ];
    jpeg.extend_from_slice(&[0x01, 0x01, 0x11, 0x00]);
    jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
    jpeg.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD9]);
    let mut file = jpeg.clone();
    file.resize(jpeg.len() + 40, 0);
    let read = read_like_a_reader(&file, 7, jpeg_len).unwrap();
    assert_eq!(
        read_like_a_reader(&jpeg[..jpeg.len() - 1], 7, jpeg_len),
        None
    );
    assert_eq!(read, jpeg);
    let photo = Photo::parse(&file).unwrap();
    assert_eq!(photo.jpeg(), &jpeg[..]);
    assert_eq!((photo.width(), photo.height()), (Some(140), Some(200)));
}

#[test]
fn basic_key_and_token_info_and_card_data() {
    let key = BasicPublicKey::parse(BASIC).unwrap();
    assert!(key.is_p384());
    assert_eq!(key.uncompressed_point().map(<[u8]>::len), Some(97));

    let serial = *b"SLIN3f\x00\x29\x6c\xff\x26\x23\x66\x0b\x08\x26";
    let mut ti = vec![0x30, 0x27, 0x02, 0x01, 0x00, 0x04, 0x10];
    ti.extend_from_slice(&serial);
    ti.extend_from_slice(b"\x80\x06BELPIC\x03\x02\x04\x30\x9E\x04\x04\x02\x00\x00");
    let token = TokenInfo::parse(&ti).unwrap();
    assert_eq!(token.serial(), Ok(&serial));
    assert_eq!(token.label(), Some("BELPIC"));

    let mut cd = serial.to_vec();
    cd.extend_from_slice(&[
        0xA5, 0x03, 0x01, 0x01, 0x01, 0x18, 0x00, 0x01, 0x00, 0x00, 0x02,
    ]);
    cd.extend_from_slice(&[0x0F, 0x03, 0xFF, 0xFF]);
    let card = CardData::parse(&cd).unwrap();
    assert_eq!(Ok(card.serial()), token.serial());
    assert_eq!(card.generation(), Generation::Applet18);
    assert!(matches!(
        card.versions(),
        AppletVersions::Applet17 {
            key_exchange_version: 2,
            ..
        }
    ));
    assert_eq!(card.life_cycle(), LifeCycle::Personalized);
    assert_eq!(card.pin_tries_left(), Some(3));
}
