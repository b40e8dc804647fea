//! The read path against a hostile card. The fuzz input is one flags byte followed by a stream
//! of R-APDUs, each prefixed by a two-byte big-endian length, answering whatever
//! `BeidCard::open` and `read_all` send (the commands themselves are not checked).
//!
//! Flags: bit 0 = the transport reports the applet 1.8 ATR (so `open` asks for the long
//! GET CARD DATA first, spec §9.1); bit 1 = an APDU observer is installed (exercises the
//! deferred, national-number-masking observer path, spec §10).
//!
//! Must end in `Ok` or a typed error, never a panic or an endless loop (the script runs out).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, mut rest)) = data.split_first() else {
        return;
    };
    let mut responses = Vec::new();
    while let [hi, lo, tail @ ..] = rest {
        let n = (usize::from(*hi) << 8 | usize::from(*lo)).min(tail.len());
        let (r, tail) = tail.split_at(n);
        responses.push(r.to_vec());
        rest = tail;
    }
    let mut t = beid::transport::ScriptedTransport::from_responses(responses);
    if flags & 1 == 1 {
        t = t.with_atr(&beid::vocab::ATR_APPLET_18);
    }
    let card = if flags & 2 == 2 {
        beid::OpenOptions::new()
            .observer(|e| {
                let _ = (e.command.len(), e.response.len(), e.sequence);
            })
            .open(t)
    } else {
        beid::BeidCard::open(t)
    };
    if let Ok(mut card) = card {
        let _ = format!("{card:?}");
        if let Ok(contents) = card.read_all() {
            let _ = format!("{contents:?}");
        }
    }
});
