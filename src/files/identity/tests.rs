use super::*;
use crate::error::ParseErrorKind;

/// Spec §4.4, full hex.
pub(crate) const SPECIMEN_HEX: &str = "010c3030303030313234313630300210534c4790025100002239288f12920363030a30352e30372e32303232040a30352e30372e3230333205074272757373656c060b3031303530333939393633070853706563696d656e080c4e6f726120416e67c3a86c6509000a0442454c470b064c657576656e0c0b3033204d454920323030310d01560e000f01311001301120476a2c4072f5fb07642e256d5edfd79c6a675fc69262d327f9979051517b0801";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn specimen() -> Vec<u8> {
    unhex(SPECIMEN_HEX)
}

fn err(bytes: &[u8]) -> ParseError {
    Identity::parse(bytes).unwrap_err()
}

/// Replace the value of `tag` in the specimen.
fn with_value(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut w = tlv::TlvWriter::new();
    for t in tlv::iter(&specimen()) {
        let t = t.unwrap();
        w.push(t.tag, if t.tag == tag { value } else { t.value });
    }
    w.finish()
}

fn without(tag: u8) -> Vec<u8> {
    let mut w = tlv::TlvWriter::new();
    for t in tlv::iter(&specimen()) {
        let t = t.unwrap();
        if t.tag != tag {
            w.push(t.tag, t.value);
        }
    }
    w.finish()
}

fn offset_of_value(bytes: &[u8], tag: u8) -> usize {
    tlv::iter(bytes)
        .map(Result::unwrap)
        .find(|t| t.tag == tag)
        .unwrap()
        .value_offset
}

#[test]
fn worked_example_every_field() {
    let bytes = specimen();
    assert_eq!(bytes.len(), 176);
    let id = Identity::parse(&bytes).unwrap();
    assert_eq!(id.raw(), &bytes[..]);
    assert_eq!(id.tlv_content(), &bytes[..]);
    assert_eq!(id.file_structure_version(), None);
    assert_eq!(id.card_number().unwrap().as_str(), "000001241600");
    assert!(id.card_number().unwrap().check_digits_valid());
    assert_eq!(
        id.chip_number(),
        &unhex("534c4790025100002239288f12920363")[..]
    );
    assert_eq!(
        id.validity_begin().unwrap(),
        CardDate::new(2022, 7, 5).unwrap()
    );
    assert_eq!(
        id.validity_end().unwrap(),
        CardDate::new(2032, 7, 5).unwrap()
    );
    assert_eq!(id.issuing_municipality(), "Brussel");
    assert_eq!(id.national_number().unwrap().reveal(), "01050399963");
    assert_eq!(
        id.national_number().unwrap().check_digit_rule(),
        Some(crate::files::numbers::CheckDigitRule::From2000)
    );
    assert_eq!(id.surname(), "Specimen");
    assert_eq!(id.given_names(), "Nora Angèle");
    assert_eq!(id.raw_field(IdentityTag::GivenNames).unwrap().len(), 12);
    assert_eq!(id.first_letter_of_third_given_name(), None);
    assert_eq!(id.raw_field(0x09), Some(&[][..]));
    assert_eq!(id.nationality(), "BELG");
    assert_eq!(id.birth_place(), "Leuven");
    assert_eq!(id.birth_date_raw(), "03 MEI 2001");
    let bd = id.birth_date().unwrap();
    assert_eq!(bd.date_parts(), (2001, Some(5), Some(3)));
    assert_eq!(bd.to_iso(), "2001-05-03");
    assert_eq!(
        bd.month_language(),
        Some(crate::files::birth_date::MonthLanguage::Dutch)
    );
    assert_eq!(id.sex().unwrap(), Sex::FemaleV);
    assert!(id.sex().unwrap().is_female());
    assert_eq!(id.noble_condition(), None);
    assert!(id.has_field(IdentityTag::NobleCondition));
    assert_eq!(id.document_type().unwrap(), DocumentType::BelgianCitizen);
    assert_eq!(id.special_status(), SpecialStatus::NoStatus);
    assert_eq!(id.photo_hash().len(), 32);
    assert_eq!(id.photo_hash()[..4], [0x47, 0x6A, 0x2C, 0x40]);
    assert_eq!(id.photo_hash()[31], 0x01);
    assert_eq!(id.duplicate(), None);
    assert_eq!(id.special_organisation(), None);
    assert!(!id.member_of_family());
    assert_eq!(id.date_and_country_of_protection(), None);
    assert_eq!(id.protection_date_and_country(), None);
    assert_eq!(id.work_permit(), None);
    assert_eq!(id.employer_vat_1(), None);
    assert_eq!(id.employer_vat_2(), None);
    assert_eq!(id.regional_file_number(), None);
    assert_eq!(id.basic_key_hash(), None);
    assert_eq!(id.brexit_mention_1(), None);
    assert_eq!(id.brexit_mention_2(), None);
    assert_eq!(id.card_a_mention_1(), None);
    assert_eq!(id.card_a_mention_2(), None);
    assert_eq!(id.eu_start_date(), None);
    assert_eq!(id.unknown_tags().count(), 0);
    assert_eq!(id.fields().count(), 17);
    assert!(!id.has_field(IdentityTag::Duplicate));
}

#[test]
fn specimen_builder_encodes_the_spec_bytes() {
    let b = IdentityBuilder::specimen();
    assert_eq!(b.encode(), specimen());
    let id = Identity::parse(&specimen()).unwrap();
    assert_eq!(id.to_builder(), b);
    assert_eq!(b.build().unwrap(), id);
}

#[test]
fn debug_masks_national_number() {
    let id = Identity::parse(&specimen()).unwrap();
    let dbg = format!("{id:?}");
    assert!(!dbg.contains("01050399963"), "{dbg}");
    assert!(!dbg.contains("3031303530333939393633"), "{dbg}");
    assert!(dbg.contains("<redacted>"));
    assert!(dbg.contains("Nora Angèle"));
    assert!(dbg.contains("000001241600"));
    let alt = format!("{id:#?}");
    assert!(!alt.contains("01050399963"));
    let revealed = format!("{:?}", id.debug_revealing_national_number());
    assert!(revealed.contains("01050399963"));
    assert!(!revealed.contains("<redacted>"));
}

#[test]
fn foreigner_file_with_empty_tags() {
    // Tags 0x12..0x19 as on the 2018 foreigner card of spec §4.4, several with length 0.
    let mut b = IdentityBuilder::specimen();
    b.card_number = CardNumber::from_bytes(b"B021329690").unwrap();
    b.document_type = DocumentType::ForeignerEuPlus;
    b.nationality = "Südafrika".to_owned();
    b.sex = Sex::FemaleW;
    b.birth_date = "22.DEZ. 1997".to_owned();
    b.duplicate = Some("01".to_owned());
    b.special_organisation = Some(SpecialOrganisation::Researcher);
    b.member_of_family = true;
    b.date_and_country_of_protection = Some(String::new());
    b.work_permit = Some(WorkPermit::NoLabourMarket);
    b.employer_vat_1 = Some(String::new());
    b.employer_vat_2 = Some(String::new());
    b.regional_file_number = Some(String::new());
    let bytes = b.encode();
    // The exact tail of spec §4.4: 12 02 "01" 13 01 "5" 14 00 15 00 16 01 "9" 17 00 18 00 19 00
    let tail = [
        0x12, 0x02, b'0', b'1', 0x13, 0x01, b'5', 0x14, 0x00, 0x15, 0x00, 0x16, 0x01, b'9', 0x17,
        0x00, 0x18, 0x00, 0x19, 0x00,
    ];
    assert!(bytes.ends_with(&tail));
    let id = Identity::parse(&bytes).unwrap();
    assert_eq!(id.card_number().unwrap().formatted(), "B 0213296 90");
    assert_eq!(id.document_type().unwrap(), DocumentType::ForeignerEuPlus);
    assert_eq!(id.nationality(), "Südafrika");
    assert_eq!(id.sex().unwrap(), Sex::FemaleW);
    assert_eq!(
        id.birth_date().unwrap().date_parts(),
        (1997, Some(12), Some(22))
    );
    assert_eq!(id.duplicate(), Some("01"));
    assert_eq!(
        id.special_organisation(),
        Some(SpecialOrganisation::Researcher)
    );
    assert!(id.member_of_family());
    assert_eq!(id.date_and_country_of_protection(), None);
    assert_eq!(id.raw_field(0x15), Some(&[][..]));
    assert_eq!(id.work_permit(), Some(WorkPermit::NoLabourMarket));
    assert_eq!(id.employer_vat_1(), None);
    assert_eq!(id.employer_vat_2(), None);
    assert_eq!(id.regional_file_number(), None);
    assert_eq!(id.to_builder().encode(), bytes);

    // With values.
    b.date_and_country_of_protection = Some("13.08.2014-IT".to_owned());
    b.employer_vat_1 = Some("0123.456.789".to_owned());
    b.employer_vat_2 = Some("0987.654.321".to_owned());
    b.regional_file_number = Some("RF123456789012345".to_owned());
    b.work_permit = Some(WorkPermit::SeasonalWorker);
    let id = b.build().unwrap();
    assert_eq!(id.date_and_country_of_protection(), Some("13.08.2014-IT"));
    assert_eq!(
        id.protection_date_and_country(),
        Some((CardDate::new(2014, 8, 13).unwrap(), "IT"))
    );
    assert_eq!(id.employer_vat_1(), Some("0123.456.789"));
    assert_eq!(id.employer_vat_2(), Some("0987.654.321"));
    assert_eq!(id.regional_file_number(), Some("RF123456789012345"));
    assert_eq!(id.work_permit(), Some(WorkPermit::SeasonalWorker));
}

#[test]
fn applet_18_file_with_basic_key_hash_and_eu_date() {
    let mut b = IdentityBuilder::specimen();
    b.document_type = DocumentType::ForeignerEu;
    b.photo_hash = vec![0xAB; 48];
    b.basic_key_hash = Some(vec![0xCD; 48]);
    b.brexit_mention_1 = Some(BrexitMention::Article18Agreement);
    b.brexit_mention_2 = Some(BrexitMention::PermanentStay);
    b.card_a_mention_1 = Some(CardAMention::Student);
    b.card_a_mention_2 = Some(CardAMention::MobilityProgramme);
    b.eu_start_date = Some(CardDate::new(2021, 3, 15).unwrap());
    let bytes = b.encode();
    let tail_1f = [
        0x1F, 0x0A, b'1', b'5', b'.', b'0', b'3', b'.', b'2', b'0', b'2', b'1',
    ];
    assert!(bytes.ends_with(&tail_1f));
    let id = Identity::parse(&bytes).unwrap();
    assert_eq!(id.photo_hash(), &[0xAB; 48][..]);
    assert_eq!(id.basic_key_hash(), Some(&[0xCD; 48][..]));
    assert_eq!(
        id.brexit_mention_1(),
        Some(BrexitMention::Article18Agreement)
    );
    assert_eq!(id.brexit_mention_2(), Some(BrexitMention::PermanentStay));
    assert_eq!(id.card_a_mention_1(), Some(CardAMention::Student));
    assert_eq!(id.card_a_mention_2(), Some(CardAMention::MobilityProgramme));
    assert_eq!(id.eu_start_date(), CardDate::new(2021, 3, 15));
    assert_eq!(id.to_builder(), b);
}

#[test]
fn unknown_tags_and_leading_tag_zero() {
    let mut b = IdentityBuilder::specimen();
    b.file_structure_version = Some(vec![0x00, 0x02]);
    b.extra_tags = vec![(0x25, b"x".to_vec()), (0x20, vec![1, 2, 3]), (0x25, vec![])];
    let bytes = b.encode();
    assert_eq!(&bytes[..4], &[0x00, 0x02, 0x00, 0x02]);
    let id = Identity::parse(&bytes).unwrap();
    assert_eq!(id.file_structure_version(), Some(&[0x00, 0x02][..]));
    let unknown: Vec<_> = id.unknown_tags().collect();
    assert_eq!(
        unknown,
        vec![(0x20, &[1, 2, 3][..]), (0x25, &b"x"[..]), (0x25, &[][..])]
    );
    assert_eq!(id.raw_field(0x25), Some(&b"x"[..]));
    assert_eq!(
        id.raw_field(IdentityTag::Unknown(0x20)),
        Some(&[1, 2, 3][..])
    );
    assert_eq!(id.surname(), "Specimen");
    let dbg = format!("{id:?}");
    assert!(dbg.contains("0x25 (1 bytes)"), "{dbg}");
    let rebuilt = id.to_builder();
    assert_eq!(rebuilt.encode(), bytes);
    // Unknown tags are kept in the middle of the file too.
    let mut mid = tlv::TlvWriter::new();
    for t in tlv::iter(&specimen()) {
        let t = t.unwrap();
        mid.push(t.tag, t.value);
        if t.tag == 0x05 {
            mid.push(0x99, b"between");
        }
    }
    let id = Identity::parse(mid.as_bytes()).unwrap();
    assert_eq!(id.raw_field(0x99), Some(&b"between"[..]));
    assert_eq!(id.issuing_municipality(), "Brussel");
}

#[test]
fn zero_padding_is_ignored() {
    let mut bytes = specimen();
    bytes.extend_from_slice(&[0; 40]);
    let id = Identity::parse(&bytes).unwrap();
    assert_eq!(id.raw().len(), 216);
    assert_eq!(id.tlv_content().len(), 176);
    assert_eq!(id.surname(), "Specimen");
}

#[test]
fn truncation_is_a_typed_error_with_offset() {
    let bytes = specimen();
    // Cut inside the photo hash value (starts at 144, 32 bytes).
    let e = err(&bytes[..150]);
    assert_eq!(e.what(), Parsed::File(FileId::Identity));
    assert_eq!(e.offset(), 144);
    assert_eq!(e.kind(), ParseErrorKind::Truncated { needed: 26 });
    // Cut right after a tag byte.
    let e = err(&bytes[..143]);
    assert_eq!(e.offset(), 143);
    assert_eq!(e.kind(), ParseErrorKind::Truncated { needed: 1 });
    // Cut at an element boundary: the file parses, the photo hash is missing (a field error).
    let id = Identity::parse(&bytes[..142]).unwrap();
    let e = id.field_error(0x11).unwrap();
    assert_eq!(e.kind(), ParseErrorKind::Missing { tag: 0x11 });
    assert_eq!(e.offset(), 142);
    assert_eq!(e.what(), Parsed::File(FileId::Identity));
    assert_eq!(id.photo_hash(), &[] as &[u8]);
    // Every other cut is a broken TLV (or no element at all).
    let boundaries: Vec<usize> = crate::tlv::iter(&bytes)
        .map(|t| t.unwrap().offset)
        .skip(1)
        .chain([bytes.len()])
        .collect();
    for n in 0..bytes.len() {
        assert_eq!(
            Identity::parse(&bytes[..n]).is_ok(),
            boundaries.contains(&n),
            "{n}"
        );
    }
}

#[test]
fn oversized_input_and_thread_safety() {
    let e = err(&vec![0x01; 70_000]);
    assert_eq!(e.kind(), ParseErrorKind::BadLength);
    assert_eq!(e.what(), Parsed::File(FileId::Identity));
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Identity>();
    send_sync::<IdentityBuilder>();
}

#[test]
fn empty_input() {
    assert_eq!(err(&[]).kind(), ParseErrorKind::Empty);
    assert_eq!(err(&[0; 117]).kind(), ParseErrorKind::Empty);
    assert_eq!(err(&[0x00, 0x02, 0x00, 0x02]).kind(), ParseErrorKind::Empty);
}

#[test]
fn every_mandatory_tag_is_required() {
    // A missing mandatory tag is that field's error; the file still parses.
    for tag in IdentityTag::MANDATORY {
        let bytes = without(tag.byte());
        let id = Identity::parse(&bytes).unwrap();
        let e = id.field_error(tag).unwrap();
        assert_eq!(
            e.kind(),
            ParseErrorKind::Missing { tag: tag.byte() },
            "{tag:?}"
        );
        assert_eq!(e.what(), Parsed::File(FileId::Identity));
        assert_eq!(e.offset(), bytes.len());
        assert_eq!(id.field_errors().count(), 1, "{tag:?}");
        assert!(tag.is_mandatory());
        assert!(!format!("{id:?}").is_empty());
    }
    let id = Identity::parse(&without(0x06)).unwrap();
    assert_eq!(
        id.national_number().unwrap_err().kind(),
        ParseErrorKind::Missing { tag: 6 }
    );
    for tag in [0x08, 0x09, 0x0E, 0x10] {
        let id = Identity::parse(&without(tag)).unwrap();
        assert!(!id.has_field(tag));
        assert!(!IdentityTag::from(tag).is_mandatory());
    }
    let id = Identity::parse(&without(0x08)).unwrap();
    assert_eq!(id.given_names(), "");
    let id = Identity::parse(&without(0x10)).unwrap();
    assert_eq!(id.special_status(), SpecialStatus::NoStatus);
}

#[test]
fn wrong_shapes_are_typed_field_errors_at_the_value() {
    // Since the tolerance change the file parses; the field reports the same error.
    let check = |tag: u8, value: &[u8], kind: ParseErrorKind, delta: usize| {
        let bytes = with_value(tag, value);
        let id = Identity::parse(&bytes).unwrap();
        let e = id.field_error(tag).unwrap();
        assert_eq!(id.raw(), &bytes[..]);
        assert_eq!(id.raw_field(tag), Some(value));
        assert_eq!(e.kind(), kind, "tag {tag:#x}");
        assert_eq!(
            e.offset(),
            offset_of_value(&bytes, tag) + delta,
            "tag {tag:#x}"
        );
        assert_eq!(e.what(), Parsed::File(FileId::Identity));
    };
    use ParseErrorKind::*;
    check(0x06, b"0105039996", BadValueLength { tag: 6, len: 10 }, 0);
    check(0x06, b"010503999631", BadValueLength { tag: 6, len: 12 }, 0);
    check(0x06, b"01050x99963", BadText, 5);
    check(0x01, b"", BadValueLength { tag: 1, len: 0 }, 0);
    check(0x01, b"0000 1241600", BadText, 0);
    check(0x02, &[0; 15], BadValueLength { tag: 2, len: 15 }, 0);
    check(0x03, b"5.07.2022", BadValueLength { tag: 3, len: 9 }, 0);
    check(0x04, b"31.02.2032", BadText, 0);
    check(0x04, b"05.07-2032", BadText, 5);
    check(0x0D, b"", BadValueLength { tag: 0x0D, len: 0 }, 0);
    check(0x0F, b"01234", BadValueLength { tag: 0x0F, len: 5 }, 0);
    check(0x0F, "é".as_bytes(), BadText, 0);
    check(0x10, b"0 0", BadText, 0);
    check(0x11, b"", BadValueLength { tag: 0x11, len: 0 }, 0);
}

#[test]
fn thirteen_digit_national_number_keeps_the_file_readable() {
    // Published test cards of the card's own test infrastructure carry 13 digits.
    let bytes = with_value(0x06, b"0105039996312");
    let id = Identity::parse(&bytes).unwrap();
    let e = id.national_number().unwrap_err();
    assert_eq!(e.kind(), ParseErrorKind::BadValueLength { tag: 6, len: 13 });
    assert_eq!(e.offset(), offset_of_value(&bytes, 0x06));
    assert_eq!(
        id.raw_field(IdentityTag::NationalNumber),
        Some(&b"0105039996312"[..])
    );
    assert_eq!(id.surname(), "Specimen");
    assert_eq!(id.field_errors().count(), 1);
    // Debug and serde still work and never show the digits.
    let dbg = format!("{id:?}");
    assert!(!dbg.contains("0105039996312"), "{dbg}");
    let revealed = format!("{:?}", id.debug_revealing_national_number());
    assert!(revealed.contains("BadValueLength"), "{revealed}");
    // The other fields are intact; a clean file has no field error.
    assert_eq!(id.card_number().unwrap().as_str(), "000001241600");
    assert_eq!(
        Identity::parse(&specimen()).unwrap().field_errors().count(),
        0
    );
}

#[test]
fn bad_optional_code_reads_as_absent_and_is_reported() {
    let bytes = with_value(0x10, b"0 0");
    let id = Identity::parse(&bytes).unwrap();
    assert_eq!(id.special_status(), SpecialStatus::NoStatus);
    assert_eq!(
        id.field_error(0x10).unwrap().kind(),
        ParseErrorKind::BadText
    );
    assert!(id.field_error(0x07).is_none());
}

#[test]
fn duplicate_named_tag_is_rejected() {
    let mut bytes = specimen();
    tlv::encode(&mut bytes, 0x07, b"Again");
    let e = err(&bytes);
    assert_eq!(e.kind(), ParseErrorKind::UnexpectedTag { tag: 0x07 });
    assert_eq!(e.offset(), 176);
}

#[test]
fn invalid_utf8_is_decoded_lossily() {
    let bytes = with_value(0x07, b"Sp\xFFcimen");
    let id = Identity::parse(&bytes).unwrap();
    assert_eq!(id.surname(), "Sp\u{FFFD}cimen");
    assert_eq!(id.raw_field(0x07), Some(&b"Sp\xFFcimen"[..]));
    assert_eq!(id.given_names(), "Nora Angèle");
    let bytes = with_value(0x0C, b"03 M\xC3I 2001");
    let id = Identity::parse(&bytes).unwrap();
    assert_eq!(id.birth_date(), None);
    assert_eq!(id.birth_date_raw(), "03 M\u{FFFD}I 2001");
}

#[test]
fn unrecognised_birth_date_is_not_an_error() {
    let id = Identity::parse(&with_value(0x0C, b"sometime")).unwrap();
    assert_eq!(id.birth_date(), None);
    assert_eq!(id.birth_date_raw(), "sometime");
    let id = Identity::parse(&with_value(0x0C, b"    1984")).unwrap();
    assert_eq!(id.birth_date().unwrap().date_parts(), (1984, None, None));
}

#[test]
fn document_type_01_round_trips() {
    let bytes = with_value(0x0F, b"01");
    let id = Identity::parse(&bytes).unwrap();
    assert_eq!(id.document_type().unwrap(), DocumentType::BelgianCitizen);
    assert_eq!(id.raw_field(IdentityTag::DocumentType), Some(&b"01"[..]));
    assert_eq!(id.to_builder().encode(), bytes);
}

#[test]
fn unknown_codes_are_kept() {
    let id = Identity::parse(&with_value(0x0F, b"99")).unwrap();
    assert_eq!(
        id.document_type().unwrap(),
        DocumentType::Other(Code::new("99").unwrap())
    );
    let id = Identity::parse(&with_value(0x0D, b"X")).unwrap();
    assert_eq!(id.sex().unwrap(), Sex::Other(Code::new("X").unwrap()));
}

#[test]
fn tag_table() {
    for (i, t) in IdentityTag::ALL.iter().enumerate() {
        assert_eq!(t.byte() as usize, i);
        assert_eq!(IdentityTag::from_byte(i as u8), *t);
        assert_eq!(t.label().is_some(), i != 0);
    }
    assert_eq!(IdentityTag::from(0x20), IdentityTag::Unknown(0x20));
    assert_eq!(u8::from(IdentityTag::Unknown(0xFE)), 0xFE);
    assert_eq!(IdentityTag::Unknown(0x40).label(), None);
    assert_eq!(IdentityTag::MANDATORY.len(), 13);
    assert_eq!(
        IdentityTag::ALL.iter().filter(|t| t.is_mandatory()).count(),
        13
    );
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trip() {
    let id = Identity::parse(&specimen()).unwrap();
    let json = serde_json::to_string(&id).unwrap();
    assert!(json.contains(&format!("\"raw\":\"{SPECIMEN_HEX}\"")));
    assert!(json.contains("\"national_number\":\"01050399963\""));
    assert!(json.contains("\"surname\":\"Specimen\""));
    let back: Identity = serde_json::from_str(&json).unwrap();
    assert_eq!(back, id);
    let only_raw: Identity =
        serde_json::from_str(&format!("{{\"raw\":\"{SPECIMEN_HEX}\"}}")).unwrap();
    assert_eq!(only_raw, id);
    assert!(serde_json::from_str::<Identity>("{\"raw\":\"0102\"}").is_err());
    assert!(serde_json::from_str::<Identity>("{\"raw\":\"zz\"}").is_err());
    let b = IdentityBuilder::specimen();
    let back: IdentityBuilder = serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap();
    assert_eq!(back, b);
}
