//! GET CARD DATA answer parser: never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = beid::CardData::parse(data) {
        let _ = format!("{c:?}");
        let _ = c.generation();
    }
});
