//! Arbitrary R-APDUs answering a signing flow (open, PIN status, authentication signature,
//! non-repudiation signature): never a panic, and never a second VERIFY in one non-repudiation
//! signature (the library does not re-send a PIN, spec §8.9).
#![no_main]

use beid::card::SignInput;
use beid::transport::ScriptedTransport;
use beid::vocab::HashAlgorithm;
use beid::{BeidCard, Pin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The input is a stream of length-prefixed R-APDUs.
    let mut responses = Vec::new();
    let mut rest = data;
    while let Some((&n, tail)) = rest.split_first() {
        let n = usize::from(n).min(tail.len());
        let (r, tail) = tail.split_at(n);
        responses.push(r.to_vec());
        rest = tail;
    }
    let Ok(mut card) = BeidCard::open(ScriptedTransport::from_responses(responses)) else {
        return;
    };
    let pin = Pin::new("1234").unwrap_or_else(|_| unreachable!());
    let digest = [0x5A; 32];
    let input = SignInput::Digest {
        hash: HashAlgorithm::Sha256,
        digest: &digest,
    };
    if let Ok(mut s) = card.session() {
        let _ = s.pin_status();
        let _ = s.sign_authentication(input, None);
        let _ = s.non_repudiation(&pin).sign(input, None);
        let _ = s.verify_pin(&pin);
    }
    let sent = card.into_transport();
    // Count VERIFYs with data: at most two (one for the non-repudiation signature, one
    // explicit), never a retry.
    let verifies = sent
        .sent()
        .iter()
        .filter(|c| c.get(1) == Some(&0x20) && c.len() > 5)
        .count();
    assert!(verifies <= 2, "{verifies} VERIFY commands");
});
