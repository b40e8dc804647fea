//! The read path against a hostile card: the fuzz input is a stream of R-APDUs, each prefixed by
//! a two-byte big-endian length, answering whatever `BeidCard::open` and `read_all` send. Must
//! end in `Ok` or a typed error, never a panic or an endless loop (the script runs out).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut responses = Vec::new();
    let mut rest = data;
    while let [hi, lo, tail @ ..] = rest {
        let n = (usize::from(*hi) << 8 | usize::from(*lo)).min(tail.len());
        let (r, tail) = tail.split_at(n);
        responses.push(r.to_vec());
        rest = tail;
    }
    let mut t = beid::transport::ScriptedTransport::from_responses(responses);
    if data.first().is_some_and(|b| b & 1 == 1) {
        t = t.with_atr(&beid::card::ATR_APPLET_18);
    }
    if let Ok(mut card) = beid::BeidCard::open(t) {
        let _ = card.read_all();
    }
});
