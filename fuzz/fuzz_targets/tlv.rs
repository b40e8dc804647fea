//! Belgian simplified TLV: walking never panics; re-encoding what was parsed gives the same
//! elements back.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut elements = Vec::new();
    for item in beid::tlv::iter(data) {
        match item {
            Ok(t) => elements.push((t.tag, t.value.to_vec())),
            Err(_) => return,
        }
    }
    let _ = beid::tlv::content_len(data);
    let mut w = beid::tlv::TlvWriter::new();
    for (tag, value) in &elements {
        w.push(*tag, value);
    }
    let again: Vec<_> = beid::tlv::iter(w.as_bytes())
        .map(|t| t.map(|t| (t.tag, t.value.to_vec())))
        .collect::<Result<_, _>>()
        .expect("re-encoded TLV parses");
    // A leading tag 00 is kept, later ones end the walk: compare the common prefix rule.
    assert_eq!(again, elements);
});
