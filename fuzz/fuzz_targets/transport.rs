//! The read path against a hostile card: the fuzz input is a stream of R-APDUs, each prefixed by
//! a one-byte length, answering whatever `BeidCard::open` and `read_all` send. Must end in `Ok`
//! or a typed error, never a panic or an endless loop.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut responses = Vec::new();
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let n = (len as usize).min(tail.len());
        let (r, tail) = tail.split_at(n);
        responses.push(r.to_vec());
        rest = tail;
    }
    let t = beid::transport::ScriptedTransport::from_responses(responses);
    if let Ok(mut card) = beid::BeidCard::open(t) {
        let _ = card.read_all();
    }
});
