//! Certificate file parser (DER + zero padding, spec §2.2): never panics; accessors and
//! `Debug` are total; the DER length the read path uses (`der_len`) agrees with the parser.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let absent = beid::Certificate::is_absent(data);
    let der_len = beid::files::der_len(data);
    let Ok(c) = beid::Certificate::parse(data) else {
        return;
    };
    assert!(!absent);
    assert_eq!(der_len, Some(c.der().len()));
    assert_eq!(c.raw(), data);
    assert!(data.starts_with(c.der()));
    let _ = format!("{c:?}");
    let _ = c.holder_national_number();
    let _ = (
        c.key_kind(),
        c.key_usage(),
        c.key_usage_bits(),
        c.signature_algorithm(),
    );
    let _ = (
        c.subject_common_name(),
        c.subject_surname(),
        c.subject_given_name(),
    );
    let _ = (
        c.subject_serial_number(),
        c.issuer_common_name(),
        c.serial_number(),
    );
    let _ = (
        c.not_before_unix(),
        c.not_after_unix(),
        c.is_valid_at(1_700_000_000),
    );
    let _ = (c.subject_public_key_info_der(), c.file_len());
});
