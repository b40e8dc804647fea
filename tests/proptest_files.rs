//! Property tests of the identity/address parsers and the simplified TLV (spec §4).
//!
//! Failing cases are persisted in `tests/proptest-regressions/proptest_files.txt` (committed).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use beid::files::{
    AddressBuilder, BirthDateFormat, BrexitMention, CardAMention, CardDate, Code, DocumentType,
    IdentityBuilder, IdentityTag, MonthLanguage, Sex, SpecialOrganisation, SpecialStatus,
    WorkPermit,
};
use beid::{
    Address, BirthDate, CardNumber, FileId, Identity, NationalNumber, ParseErrorKind, Parsed, tlv,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/proptest-regressions/proptest_files.txt"
        )))),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Strategies

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..=max)
}

/// Text, sometimes long enough (≥ 255 bytes) to need the multi-byte length.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "\\PC{0,30}",
        1 => proptest::collection::vec(any::<char>(), 0..200).prop_map(String::from_iter),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn code() -> impl Strategy<Value = Code> {
    "[!-~]{1,4}".prop_map(|s| Code::new(&s).unwrap())
}

fn digits(n: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, n)
        .prop_map(|d| d.iter().map(|d| char::from(b'0' + d)).collect())
}

fn card_number() -> impl Strategy<Value = CardNumber> {
    prop_oneof![
        digits(12),
        digits(9).prop_map(|d| format!("B{d}")),
        digits(9),
        "[!-~]{1,12}",
    ]
    .prop_map(|s| CardNumber::from_bytes(s.as_bytes()).unwrap())
}

fn national_number() -> impl Strategy<Value = NationalNumber> {
    digits(11).prop_map(|s| NationalNumber::from_digits(s.as_bytes()).unwrap())
}

fn card_date() -> impl Strategy<Value = CardDate> {
    (0u16..=9999, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| {
        CardDate::new(y, m, d)
            .or_else(|| CardDate::new(y, m, 28))
            .unwrap()
    })
}

fn birth_date() -> impl Strategy<Value = BirthDate> {
    (
        1u16..=9999,
        proptest::option::of(1u8..=12),
        proptest::option::of(1u8..=28),
    )
        .prop_map(|(y, m, d)| BirthDate::new(y, m, d).unwrap())
}

fn language() -> impl Strategy<Value = MonthLanguage> {
    prop_oneof![
        Just(MonthLanguage::French),
        Just(MonthLanguage::Dutch),
        Just(MonthLanguage::German)
    ]
}

fn layout() -> impl Strategy<Value = BirthDateFormat> {
    prop_oneof![
        Just(BirthDateFormat::Spaced),
        Just(BirthDateFormat::Padded),
        Just(BirthDateFormat::Dotted),
        Just(BirthDateFormat::DottedSpaced)
    ]
}

fn birth_date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (birth_date(), language(), layout()).prop_map(|(d, l, f)| d.to_card_string_with(l, f)),
        1 => text(),
    ]
}

const OPTIONAL_CODED: [u8; 9] = [0x10, 0x13, 0x16, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F];

prop_compose! {
    fn identity_builder()(
        head in (
            proptest::option::of(bytes(4)),
            card_number(),
            any::<[u8; 16]>(),
            card_date(),
            card_date(),
            text(),
            national_number(),
            text(),
            opt_text(),
            opt_text(),
            text(),
            text(),
        ),
        mid in (
            birth_date_text(),
            code(),
            opt_text(),
            code(),
            proptest::option::of(code()),
            proptest::collection::vec(any::<u8>(), 1..=64),
            opt_text(),
            proptest::option::of(code()),
            any::<bool>(),
            opt_text(),
            proptest::option::of(code()),
        ),
        tail in (
            opt_text(),
            opt_text(),
            opt_text(),
            proptest::option::of(proptest::collection::vec(any::<u8>(), 1..=64)),
            proptest::option::of(code()),
            proptest::option::of(code()),
            proptest::option::of(code()),
            proptest::option::of(code()),
            proptest::option::of(card_date()),
            proptest::collection::vec(proptest::sample::select(OPTIONAL_CODED.to_vec()), 0..4),
            proptest::collection::vec((0x20u8..=0xFF, bytes(300)), 0..3),
        ),
    ) -> IdentityBuilder {
        let mut b = IdentityBuilder::specimen();
        (
            b.file_structure_version,
            b.card_number,
            b.chip_number,
            b.validity_begin,
            b.validity_end,
            b.issuing_municipality,
            b.national_number,
            b.surname,
            b.given_names,
            b.first_letter_of_third_given_name,
            b.nationality,
            b.birth_place,
        ) = head;
        let (bd, sex, noble, doc, status, photo, dup, org, family, protection, permit) = mid;
        b.birth_date = bd;
        b.sex = Sex::from_code(sex);
        b.noble_condition = noble;
        b.document_type = DocumentType::from_code(doc);
        b.special_status = status.map(SpecialStatus::from_code);
        b.photo_hash = photo;
        b.duplicate = dup;
        b.special_organisation = org.map(SpecialOrganisation::from_code);
        b.member_of_family = family;
        b.date_and_country_of_protection = protection;
        b.work_permit = permit.map(WorkPermit::from_code);
        let (vat1, vat2, regional, basic, br1, br2, ca1, ca2, eu, empty, mut extra) = tail;
        b.employer_vat_1 = vat1;
        b.employer_vat_2 = vat2;
        b.regional_file_number = regional;
        b.basic_key_hash = basic;
        b.brexit_mention_1 = br1.map(BrexitMention::from_code);
        b.brexit_mention_2 = br2.map(BrexitMention::from_code);
        b.card_a_mention_1 = ca1.map(CardAMention::from_code);
        b.card_a_mention_2 = ca2.map(CardAMention::from_code);
        b.eu_start_date = eu;
        // Empty tags only make sense for fields without a value; the parser reports them in
        // ascending order, once, and the unknown tags in file (= ascending) order.
        let mut empty: Vec<u8> = empty;
        empty.sort_unstable();
        empty.dedup();
        b.empty_tags = empty
            .into_iter()
            .filter(|t| !coded_field_is_set(&b, *t))
            .map(IdentityTag::from)
            .collect();
        extra.sort_by_key(|e| e.0);
        b.extra_tags = extra;
        b
    }
}

fn coded_field_is_set(b: &IdentityBuilder, tag: u8) -> bool {
    match tag {
        0x10 => b.special_status.is_some(),
        0x13 => b.special_organisation.is_some(),
        0x16 => b.work_permit.is_some(),
        0x1A => b.basic_key_hash.is_some(),
        0x1B => b.brexit_mention_1.is_some(),
        0x1C => b.brexit_mention_2.is_some(),
        0x1D => b.card_a_mention_1.is_some(),
        0x1E => b.card_a_mention_2.is_some(),
        0x1F => b.eu_start_date.is_some(),
        _ => false,
    }
}

/// An applet-1.8 style foreigner file: tags 0x12..0x1F, empty tags, SHA-384 hashes.
fn foreigner_18() -> IdentityBuilder {
    let mut b = IdentityBuilder::specimen();
    b.card_number = CardNumber::from_bytes(b"B021329690").unwrap();
    b.document_type = DocumentType::ForeignerEuPlus;
    b.birth_date = "22.DEZ. 1997".to_owned();
    b.photo_hash = vec![0x11; 48];
    b.duplicate = Some("01".to_owned());
    b.special_organisation = Some(SpecialOrganisation::Researcher);
    b.member_of_family = true;
    b.date_and_country_of_protection = Some("13.08.2014-IT".to_owned());
    b.work_permit = Some(WorkPermit::NoLabourMarket);
    b.employer_vat_1 = Some(String::new());
    b.employer_vat_2 = Some(String::new());
    b.regional_file_number = Some(String::new());
    b.basic_key_hash = Some(vec![0x22; 48]);
    b.brexit_mention_1 = Some(BrexitMention::Article18Agreement);
    b.card_a_mention_2 = Some(CardAMention::MobilityProgramme);
    b.eu_start_date = CardDate::new(2021, 3, 15);
    b.empty_tags = vec![IdentityTag::BrexitMention2, IdentityTag::CardAMention1];
    b
}

// ---------------------------------------------------------------------------------------
// (a) TLV round trip

proptest! {
    #![proptest_config(config())]

    #[test]
    fn tlv_round_trip(
        first_tag in any::<u8>(),
        first_value in bytes(600),
        rest in proptest::collection::vec((1u8..=0xFF, bytes(800)), 0..6),
        padding in 0usize..40,
    ) {
        // Tag 0 is only an element when it comes first; after that it means padding.
        let mut elements = vec![(first_tag, first_value)];
        elements.extend(rest);
        let mut data = Vec::new();
        for (tag, value) in &elements {
            tlv::encode(&mut data, *tag, value);
        }
        let content = data.len();
        data.resize(content + padding, 0);
        let parsed: Vec<(u8, Vec<u8>)> = tlv::iter(&data)
            .map(|t| t.map(|t| (t.tag, t.value.to_vec())))
            .collect::<Result<_, _>>()
            .unwrap();
        prop_assert_eq!(&parsed, &elements);
        prop_assert_eq!(tlv::content_len(&data), Some(content));
        // The writer produces the same bytes.
        let mut w = tlv::TlvWriter::new();
        for (tag, value) in &elements {
            w.push(*tag, value);
        }
        w.pad_to(content + padding);
        prop_assert_eq!(w.finish(), data);
    }

    // -------------------------------------------------------------------------------------
    // (b) identity round trip

    #[test]
    fn identity_round_trip(b in identity_builder()) {
        let encoded = b.encode();
        let id = Identity::parse(&encoded).unwrap();
        prop_assert_eq!(id.raw(), &encoded[..]);
        prop_assert_eq!(&id.to_builder(), &b);
        prop_assert_eq!(id.to_builder().encode(), encoded.clone());
        // Spot checks through the accessors.
        prop_assert_eq!(id.card_number().unwrap(), b.card_number);
        prop_assert_eq!(id.chip_number(), &b.chip_number[..]);
        prop_assert_eq!(id.validity_begin().unwrap(), b.validity_begin);
        prop_assert_eq!(id.validity_end().unwrap(), b.validity_end);
        prop_assert_eq!(id.national_number().unwrap(), b.national_number);
        prop_assert_eq!(id.surname(), b.surname.as_str());
        prop_assert_eq!(id.given_names(), b.given_names.as_deref().unwrap_or(""));
        prop_assert_eq!(id.birth_date_raw(), b.birth_date.as_str());
        prop_assert_eq!(id.birth_date(), BirthDate::parse(&b.birth_date).ok());
        prop_assert_eq!(id.sex().unwrap(), b.sex);
        prop_assert_eq!(id.document_type().unwrap(), b.document_type);
        prop_assert_eq!(id.special_status(), b.special_status.unwrap_or_default());
        prop_assert_eq!(id.photo_hash(), &b.photo_hash[..]);
        prop_assert_eq!(id.member_of_family(), b.member_of_family);
        prop_assert_eq!(id.basic_key_hash(), b.basic_key_hash.as_deref());
        prop_assert_eq!(id.eu_start_date(), b.eu_start_date);
        prop_assert_eq!(
            id.noble_condition(),
            b.noble_condition.as_deref().filter(|s| !s.is_empty())
        );
        let unknown: Vec<(u8, Vec<u8>)> = id.unknown_tags().map(|(t, v)| (t, v.to_vec())).collect();
        prop_assert_eq!(&unknown, &b.extra_tags);
        // Debug never shows the national number.
        // Debug does not depend on the national number (it is masked).
        let mut other = b.clone();
        other.national_number = NationalNumber::from_digits(
            if b.national_number.reveal() == "12345678901" { b"10987654321" } else { b"12345678901" },
        )
        .unwrap();
        let other = Identity::parse(&other.encode()).unwrap();
        let same = format!("{:?}", id) == format!("{:?}", other);
        prop_assert!(same);
    }

    #[test]
    fn birth_date_card_strings_round_trip(d in birth_date(), lang in language(), fmt in layout()) {
        let s = d.to_card_string_with(lang, fmt);
        let back = BirthDate::parse(&s).unwrap();
        prop_assert_eq!(back.date_parts(), d.date_parts());
        // The language is recognised when the layout is the one that language uses.
        let native = matches!(
            (lang, fmt),
            (MonthLanguage::French | MonthLanguage::Dutch, BirthDateFormat::Spaced | BirthDateFormat::Padded)
                | (MonthLanguage::German, BirthDateFormat::Dotted | BirthDateFormat::DottedSpaced)
        );
        if d.has_month() && native {
            prop_assert!(back.month_language().is_none_or(|l| l == lang), "{s:?}");
        }
    }

    // -------------------------------------------------------------------------------------
    // (c) address round trip

    #[test]
    fn address_round_trip(
        street in text(),
        zip in "[0-9A-Z ]{0,6}",
        municipality in text(),
        version in proptest::option::of(bytes(3)),
        mut extra in proptest::collection::vec((4u8..=0xFF, bytes(300)), 0..3),
        padded_len in 0usize..400,
    ) {
        extra.sort_by_key(|e| e.0);
        let mut b = AddressBuilder::new(street.clone(), zip.clone(), municipality.clone()).pad_to(padded_len);
        b.file_structure_version = version;
        b.extra_tags = extra;
        let encoded = b.encode();
        prop_assert!(encoded.len() >= padded_len);
        let a = Address::parse(&encoded).unwrap();
        prop_assert_eq!(a.raw(), &encoded[..]);
        prop_assert_eq!(a.street_and_number_raw(), street.as_str());
        prop_assert_eq!(a.street_and_number(), street.trim_matches(' '));
        prop_assert_eq!(a.zip_raw(), zip.as_str());
        prop_assert_eq!(a.zip(), zip.trim_matches(' '));
        prop_assert_eq!(a.municipality_raw(), municipality.as_str());
        prop_assert_eq!(a.municipality(), municipality.trim_matches(' '));
        prop_assert_eq!(a.to_builder().encode(), encoded.clone());
        let content_end = encoded.iter().rposition(|&x| x != 0).map_or(0, |p| p + 1);
        prop_assert_eq!(a.without_trailing_zeros(), &encoded[..content_end]);
        prop_assert!(a.content_len() <= encoded.len());
        b.padded_len = encoded.len();
        prop_assert_eq!(a.to_builder(), b);
    }

    // -------------------------------------------------------------------------------------
    // (d) arbitrary input never panics

    #[test]
    fn arbitrary_bytes_never_panic(data in bytes(700)) {
        let _ = Identity::parse(&data);
        let _ = Address::parse(&data);
        for item in tlv::iter(&data) {
            if item.is_err() {
                break;
            }
        }
        let _ = tlv::content_len(&data);
        if let Ok(s) = std::str::from_utf8(&data) {
            let _ = BirthDate::parse(s);
        }
        let _ = BirthDate::parse_bytes(&data);
        let _ = CardDate::parse(&data);
    }

    #[test]
    fn mutated_identity_never_panics(
        base in prop_oneof![Just(IdentityBuilder::specimen()), Just(foreigner_18())],
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut data = base.encode();
        for (at, byte) in edits {
            let i = at.index(data.len());
            data[i] = byte;
        }
        if truncate {
            data.truncate(cut.index(data.len() + 1));
        }
        match Identity::parse(&data) {
            Ok(id) => {
                // Every accessor works on whatever parsed.
                let _ = format!("{id:?}");
                let _ = id.to_builder().encode();
                let _ = id.protection_date_and_country();
                let _ = id.fields().count();
            }
            Err(e) => {
                prop_assert_eq!(e.what(), Parsed::File(FileId::Identity));
                prop_assert!(e.offset() <= data.len());
            }
        }
    }

    #[test]
    fn arbitrary_birth_date_strings_never_panic(s in "\\PC{0,16}") {
        if let Ok(d) = BirthDate::parse(&s) {
            for lang in [MonthLanguage::French, MonthLanguage::Dutch, MonthLanguage::German] {
                let again = BirthDate::parse(&d.to_card_string(lang)).unwrap();
                prop_assert_eq!(again.date_parts(), d.date_parts());
            }
        }
    }
}

// -----------------------------------------------------------------------------------------
// (e) every truncation → Ok or a typed error

fn check_every_truncation_of_identity(full: &[u8]) {
    assert!(Identity::parse(full).is_ok());
    for n in 0..full.len() {
        // A cut at an element boundary parses; the missing mandatory tags are field errors.
        let e = match Identity::parse(&full[..n]) {
            Ok(id) => {
                assert!(
                    id.field_errors().all(|(_, e)| e.offset() == n
                        && matches!(e.kind(), ParseErrorKind::Missing { .. })),
                    "cut at {n}"
                );
                continue;
            }
            Err(e) => e,
        };
        assert_eq!(e.what(), Parsed::File(FileId::Identity), "cut at {n}");
        assert!(e.offset() <= n, "cut at {n}: {e}");
        assert!(
            matches!(
                e.kind(),
                ParseErrorKind::Truncated { .. }
                    | ParseErrorKind::Missing { .. }
                    | ParseErrorKind::Empty
            ),
            "cut at {n}: {e}"
        );
        if let ParseErrorKind::Truncated { needed } = e.kind() {
            assert!(e.offset() + needed <= full.len(), "cut at {n}: {e}");
        }
    }
}

#[test]
fn every_truncation_of_the_worked_example() {
    let specimen = IdentityBuilder::specimen().encode();
    assert_eq!(specimen.len(), 176);
    check_every_truncation_of_identity(&specimen);
}

#[test]
fn every_truncation_of_a_foreigner_18_file() {
    let data = foreigner_18().encode();
    let id = Identity::parse(&data).unwrap();
    assert!(id.member_of_family());
    assert_eq!(id.basic_key_hash(), Some(&[0x22; 48][..]));
    // Truncations that end exactly after an optional element parse fine: check them apart.
    for n in 0..data.len() {
        match Identity::parse(&data[..n]) {
            Ok(id) if id.field_errors().next().is_none() => {
                assert!(n > 150, "cut at {n}");
                assert_eq!(id.surname(), "Specimen");
            }
            Ok(id) => assert!(
                id.field_errors()
                    .all(|(_, e)| matches!(e.kind(), ParseErrorKind::Missing { .. })),
                "cut at {n}"
            ),
            Err(e) => {
                assert_eq!(e.what(), Parsed::File(FileId::Identity), "cut at {n}");
                assert!(e.offset() <= n, "cut at {n}: {e}");
            }
        }
    }
}

#[test]
fn every_truncation_of_the_address() {
    let data = AddressBuilder::specimen().encode();
    assert_eq!(data.len(), 121);
    for n in 0..data.len() {
        match Address::parse(&data[..n]) {
            Ok(a) if a.field_errors().is_empty() => {
                assert!(n >= 34, "cut at {n}");
                assert_eq!(a.municipality(), "Brussel");
            }
            // A cut at an element boundary: the missing tags are field errors.
            Ok(_) => assert!(n < 34, "cut at {n}"),
            Err(e) => {
                assert!(n < 34, "cut at {n}: {e}");
                assert_eq!(e.what(), Parsed::File(FileId::Address));
                assert!(e.offset() <= n);
            }
        }
    }
}
