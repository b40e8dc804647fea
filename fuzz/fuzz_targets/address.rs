//! Address file parser (spec §4.3): never panics; accessors and `Debug` are total; the content
//! (signed part, spec §7.3) is a prefix of the file; re-encoding through `AddressBuilder` gives
//! a file that parses to the same fields.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(a) = beid::Address::parse(data) else {
        return;
    };
    let _ = format!("{a:?}");
    assert!(data.starts_with(a.without_trailing_zeros()));
    assert!(a.content_len() <= data.len());
    let _ = (a.street_and_number(), a.zip(), a.municipality());
    let _ = (a.street_and_number_raw(), a.zip_raw(), a.municipality_raw());
    let _ = (a.file_structure_version(), a.unknown_tags().count());
    for tag in 0..=4u8 {
        let _ = a.raw_field(tag);
    }
    let b = a.to_builder();
    let again = beid::Address::parse(&b.encode()).expect("re-encoded address parses");
    assert_eq!(again.street_and_number_raw(), a.street_and_number_raw());
    assert_eq!(again.zip_raw(), a.zip_raw());
    assert_eq!(again.municipality_raw(), a.municipality_raw());
});
