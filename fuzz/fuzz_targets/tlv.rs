//! Belgian simplified TLV (spec §4.1): walking never panics; `content_len` agrees with the walk;
//! re-encoding what was parsed gives back exactly the content bytes (the C54 length rule has a
//! single encoding per length, so the walk and `encode` must be inverse of each other).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut elements = Vec::new();
    let mut it = beid::tlv::iter(data);
    for item in it.by_ref() {
        match item {
            Ok(t) => {
                // Offsets point into the input and are consistent with the value.
                assert!(t.offset < t.value_offset);
                assert_eq!(data.get(t.offset), Some(&t.tag));
                assert_eq!(
                    data.get(t.value_offset..t.value_offset + t.value.len()),
                    Some(t.value)
                );
                assert_eq!(
                    t.value_offset - t.offset,
                    1 + beid::tlv::length_field_len(t.value.len())
                );
                elements.push((t.tag, t.value.to_vec()));
            }
            Err(e) => {
                assert!(e.offset() <= data.len());
                assert_eq!(beid::tlv::content_len(data), None);
                return;
            }
        }
    }
    let end = it.position();
    assert_eq!(beid::tlv::content_len(data), Some(end));
    let mut w = beid::tlv::TlvWriter::new();
    for (tag, value) in &elements {
        w.push(*tag, value);
    }
    // The walk stops at the end of the input or at a non-leading tag 00 (padding), so the
    // elements re-encode to exactly the bytes before that point.
    assert_eq!(Some(w.as_bytes()), data.get(..end));
    let again: Vec<_> = beid::tlv::iter(w.as_bytes())
        .map(|t| t.map(|t| (t.tag, t.value.to_vec())))
        .collect::<Result<_, _>>()
        .expect("re-encoded TLV parses");
    assert_eq!(again, elements);
});
