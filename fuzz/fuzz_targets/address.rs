//! Address file parser: never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = beid::Address::parse(data) {
        let _ = format!("{a:?}");
    }
});
