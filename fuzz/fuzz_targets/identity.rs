//! Identity file parser (spec §4.2): never panics; every accessor and `Debug` are total; `Debug`
//! does not show the national number; re-encoding through `IdentityBuilder` gives a file that
//! parses again, and a second round trip is a fixed point (the first re-encoding is canonical:
//! ascending tags, no padding, valid UTF-8).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(id) = beid::Identity::parse(data) else {
        return;
    };
    let debug = format!("{id:?}");
    let _ = format!("{:?}", id.debug_revealing_national_number());
    let _ = id.field_errors().count();
    if let Ok(nn) = id.national_number() {
        let digits = nn.reveal().as_bytes();
        // Privacy (common rules): the national number never appears in `Debug` — checked when
        // the digits occur only once in the file, so that another field cannot show them.
        if data.windows(digits.len()).filter(|w| *w == digits).count() == 1 {
            assert!(!debug.contains(nn.reveal()), "national number in Debug");
        }
        let _ = nn.check_digits_valid();
        let _ = nn.formatted_revealed();
        let _ = nn.birth_date_part();
        let _ = nn.birth_year();
        let _ = nn.check_digit_rule();
    } else if let Some(raw) = id.raw_field(0x06).filter(|r| r.len() >= 4) {
        // A malformed national number is not printed either.
        if data.windows(raw.len()).filter(|w| w == &raw).count() == 1 {
            assert!(
                !debug.as_bytes().windows(raw.len()).any(|w| w == raw),
                "raw national number in Debug"
            );
        }
    }
    if let Ok(n) = id.card_number() {
        let _ = n.check_digits_valid();
        let _ = n.formatted();
    }
    let _ = id.birth_date().map(|d| (d.to_iso(), format!("{d:?}")));
    let _ = (
        id.validity_begin().map(|d| d.to_iso()),
        id.validity_end().map(|d| d.to_card_string()),
    );
    let _ = (
        id.surname(),
        id.given_names(),
        id.nationality(),
        id.birth_place(),
    );
    let _ = (
        id.issuing_municipality(),
        id.birth_date_raw(),
        id.noble_condition(),
    );
    let _ = (
        id.sex(),
        id.document_type(),
        id.special_status(),
        id.special_organisation(),
    );
    let _ = (id.work_permit(), id.duplicate(), id.member_of_family());
    let _ = (
        id.date_and_country_of_protection(),
        id.protection_date_and_country(),
    );
    let _ = (
        id.employer_vat_1(),
        id.employer_vat_2(),
        id.regional_file_number(),
    );
    let _ = (id.brexit_mention_1(), id.brexit_mention_2());
    let _ = (
        id.card_a_mention_1(),
        id.card_a_mention_2(),
        id.eu_start_date(),
    );
    let _ = (
        id.basic_key_hash(),
        id.photo_hash(),
        id.chip_number(),
        id.tlv_content(),
    );
    let _ = id.file_structure_version();
    for (tag, value) in id.fields() {
        if tag.byte() < 0x20 {
            // Named tags occur at most once (a repeat is a parse error).
            assert_eq!(id.raw_field(tag), Some(value));
        } else {
            // Unknown tags may repeat; `raw_field` gives the first occurrence.
            assert!(
                id.unknown_tags()
                    .any(|(t, v)| t == tag.byte() && v == value)
            );
        }
    }
    let _ = id.unknown_tags().count();

    let once = id.to_builder().encode();
    let id2 = beid::Identity::parse(&once).expect("re-encoded identity parses");
    assert_eq!(id2.surname(), id.surname());
    assert_eq!(id2.given_names(), id.given_names());
    // Fields that did not decode take placeholder values in the builder; the others survive.
    if let Ok(nn) = id.national_number() {
        assert_eq!(
            id2.national_number()
                .map(|n| n.reveal().to_owned())
                .ok()
                .as_deref(),
            Some(nn.reveal())
        );
    }
    if id.document_type().is_ok() {
        assert_eq!(id2.document_type(), id.document_type());
    }
    assert_eq!(id2.birth_date(), id.birth_date());
    assert_eq!(id2.photo_hash(), id.photo_hash());
    let twice = id2.to_builder().encode();
    assert_eq!(twice, once, "second round trip is a fixed point");
});
