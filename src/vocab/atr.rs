//! Answers to reset of the Belgian eID generations and how middleware recognises them
//! (spec §1.1, §1.2).

use super::Generation;

/// The ATR of applet 1.8 cards (spec §1.1).
pub const ATR_APPLET_18: [u8; 20] = [
    0x3B, 0x7F, 0x96, 0x00, 0x00, 0x80, 0x31, 0x80, 0x65, 0xB0, 0x85, 0x04, 0x01, 0x20, 0x12, 0x0F,
    0xFF, 0x82, 0x90, 0x00,
];

/// The ATR of applet 1.1 and 1.7 cards (spec §1.1: perso versions 02 and 03 share it).
pub const ATR_APPLET_17: [u8; 13] = [
    0x3B, 0x98, 0x13, 0x40, 0x0A, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x11,
];

/// The "new EMV-compatible" ATR of applet V1.0 cards (spec §1.1).
pub const ATR_APPLET_10: [u8; 13] = [
    0x3B, 0x98, 0x94, 0x40, 0x0A, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x10,
];

/// The ATR of applet "beta 5" and early V1.0 cards (spec §1.1).
pub const ATR_APPLET_BETA: [u8; 13] = [
    0x3B, 0x98, 0x94, 0x40, 0xFF, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x10,
];

/// The pre-1.8 pattern of the Windows smart-card registration (spec §1.2):
/// `3B 98 xx 40 xx A5 03 01 01 01 AD 13 xx`.
const PRE_18_PATTERN: [u8; 13] = [
    0x3B, 0x98, 0x00, 0x40, 0x00, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x00,
];
/// The mask of [`PRE_18_PATTERN`].
const PRE_18_MASK: [u8; 13] = [
    0xFF, 0xFF, 0x00, 0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00,
];

/// ATR recognition with the Windows registration masks (spec §1.2): the pre-1.8 pattern and
/// the exact 1.8 ATR. The card itself is only recognised for sure by selecting the applet
/// (eid-mw does not look at the ATR at all, spec §1.2).
pub fn is_beid_atr(atr: &[u8]) -> bool {
    atr == ATR_APPLET_18
        || (atr.len() == PRE_18_PATTERN.len()
            && atr
                .iter()
                .zip(PRE_18_PATTERN.iter().zip(PRE_18_MASK.iter()))
                .all(|(a, (p, m))| a & m == *p))
}

/// The generation an ATR announces, before any command is sent (spec §1.1): the exact 1.8 ATR
/// is [`Generation::Applet18`]; the shared 1.1/1.7 ATR is reported as
/// [`Generation::Applet17`] (applet 1.1 cards answer with the same bytes: only GET CARD DATA,
/// spec §9, tells them apart); the applet 1.0 and beta ATRs are [`Generation::V1`]; any other
/// ATR, including other matches of the Windows mask, is `None`.
pub fn generation_of_atr(atr: &[u8]) -> Option<Generation> {
    if atr == ATR_APPLET_18 {
        Some(Generation::Applet18)
    } else if atr == ATR_APPLET_17 {
        Some(Generation::Applet17)
    } else if atr == ATR_APPLET_10 || atr == ATR_APPLET_BETA {
        Some(Generation::V1)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_by_atr() {
        assert_eq!(
            generation_of_atr(&ATR_APPLET_18),
            Some(Generation::Applet18)
        );
        assert_eq!(
            generation_of_atr(&ATR_APPLET_17),
            Some(Generation::Applet17)
        );
        assert_eq!(generation_of_atr(&ATR_APPLET_10), Some(Generation::V1));
        assert_eq!(generation_of_atr(&ATR_APPLET_BETA), Some(Generation::V1));
        assert_eq!(generation_of_atr(&ATR_APPLET_18[..19]), None);
    }

    #[test]
    fn atr_masks() {
        assert!(is_beid_atr(&ATR_APPLET_18));
        assert!(is_beid_atr(&ATR_APPLET_17));
        assert!(is_beid_atr(&ATR_APPLET_10));
        assert!(is_beid_atr(&ATR_APPLET_BETA));
        assert!(!is_beid_atr(&[0x3B, 0x8F, 0x80, 0x01]));
    }
}
