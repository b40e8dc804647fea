//! Arbitrary C-APDU sequences against a virtual card of each generation: the simulator never
//! panics and always answers with at least a status word.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, mut rest)) = data.split_first() else {
        return;
    };
    let profile = if selector & 1 == 0 {
        beid_simulator::Profile::Applet17Citizen
    } else {
        beid_simulator::Profile::Applet18Citizen
    };
    let Ok(mut card) = profile.card() else {
        return;
    };
    while let Some((&len, tail)) = rest.split_first() {
        let n = (len as usize).min(tail.len());
        let (apdu, tail) = tail.split_at(n);
        rest = tail;
        if apdu.first() == Some(&0xFF) {
            card.reset();
            continue;
        }
        let r = card.transmit_apdu(apdu);
        // An empty answer means "no answer" (card removed or powered off); otherwise every
        // answer ends with a status word.
        assert!(r.is_empty() || r.len() >= 2, "answer without a status word");
    }
});
