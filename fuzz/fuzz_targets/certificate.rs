//! Certificate file parser (DER + padding): never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = beid::Certificate::is_absent(data);
    if let Ok(c) = beid::Certificate::parse(data) {
        let _ = format!("{c:?}");
        let _ = c.holder_national_number();
        let _ = c.key_kind();
    }
});
