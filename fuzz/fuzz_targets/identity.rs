//! Identity file parser: never panics, Debug never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(id) = beid::Identity::parse(data) {
        let _ = format!("{id:?}");
        let _ = id.birth_date();
        let _ = id.national_number().check_digits_valid();
    }
});
