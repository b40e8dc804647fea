//! The GET CARD DATA answer (spec §9).
//!
//! `80 E4 00 00 1C` answers 28 bytes on every generation; applet 1.8 also answers
//! `80 E4 00 01 1F` with the same 28 bytes followed by the PIN tries left and two RFU bytes
//! (spec §9.1, §9.2). Bytes 22–26 have two layouts: the V1 (applet 1.0/1.1) one and the 1.7/1.8
//! one ([`AppletVersions`]).

use crate::error::{ParseError, ParseErrorKind, Parsed};
use crate::vocab::Generation;

pub use crate::vocab::LifeCycle;

/// Bytes 21–26 of the GET CARD DATA answer, which have two layouts (spec §9.2, following
/// eid-mw `cal_get_card_data`).
///
/// eid-mw applies the V1 layout only when byte 21 is `11`; this parser applies it to every
/// applet that [`Generation::from_applet_version`] classifies as [`Generation::V1`] (`10` and
/// `11`), since no source describes a separate applet 1.0 layout. Every other applet version
/// byte — `17`, `18` and unknown values — uses the 1.7/1.8 layout, as in eid-mw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum AppletVersions {
    /// V1 layout (applet 1.0/1.1), e.g. bytes 21–26 `11 00 02 00 01 01`.
    V1 {
        /// Bytes 21–22: applet version (`11 00` on applet 1.1).
        applet_version: [u8; 2],
        /// Bytes 23–24: applet interface version (`02 00` on the emulator's V1.1 card).
        interface_version: [u8; 2],
        /// Bytes 25–26: PKCS#15 version (`01 01`).
        pkcs15_version: [u8; 2],
    },
    /// 1.7/1.8 layout (and unknown applet versions), e.g. bytes 21–26 `18 00 01 00 00 02`.
    Applet17 {
        /// Byte 21: applet version (`17`, `18`).
        applet_version: u8,
        /// Bytes 22–23: global OS version, big-endian (`00 03` "Belpic V1.7", `00 01`
        /// "Belpic V1.8").
        global_os_version: [u8; 2],
        /// Byte 24: applet interface version (`00`).
        interface_version: u8,
        /// Byte 25: PKCS#1 support (`21` = PKCS#1 v2.1 on 1.7, `00` = no PKCS#1 v2.x on 1.8).
        pkcs1_support: u8,
        /// Byte 26: key exchange version (`01` on 1.7, `02` on 1.8).
        key_exchange_version: u8,
    },
}

/// The decoded GET CARD DATA answer (spec §9.2): the 28-byte form (P2=`00`, every
/// generation) or the 31-byte form (P2=`01`, applet 1.8).
///
/// Longer answers are accepted, the extra bytes kept in [`extra`](Self::extra) and
/// [`raw`](Self::raw).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CardData {
    raw: Vec<u8>,
    serial: [u8; 16],
    component_code: u8,
    os_number: u8,
    os_version: u8,
    softmask_number: u8,
    softmask_version: u8,
    applet_version: u8,
    versions: AppletVersions,
    life_cycle: LifeCycle,
    pin_tries_left: Option<u8>,
}

impl CardData {
    /// Length of the answer to `80 E4 00 00 1C` (every generation).
    pub const LEN: usize = 28;
    /// Length of the answer to `80 E4 00 01 1F` (applet 1.8).
    pub const LONG_LEN: usize = 31;

    /// Parse a GET CARD DATA answer (data field, without the status word).
    ///
    /// Fewer than 28 bytes → [`ParseErrorKind::Truncated`] ([`Parsed::CardData`], offset =
    /// input length). Unknown applet versions and life cycle values are kept as data; bytes
    /// after the 28th are kept in [`extra`](Self::extra).
    pub fn parse(data: &[u8]) -> Result<CardData, ParseError> {
        let Some((head, _tail)) = data.split_first_chunk::<{ Self::LEN }>() else {
            return Err(ParseError::new(
                Parsed::CardData,
                data.len(),
                ParseErrorKind::Truncated {
                    needed: Self::LEN - data.len(),
                },
            ));
        };
        let [
            ref serial @ ..,
            component_code,
            os_number,
            os_version,
            softmask_number,
            softmask_version,
            b21,
            b22,
            b23,
            b24,
            b25,
            b26,
            b27,
        ] = *head;
        let versions = match Generation::from_applet_version(b21) {
            Generation::V1 => AppletVersions::V1 {
                applet_version: [b21, b22],
                interface_version: [b23, b24],
                pkcs15_version: [b25, b26],
            },
            _ => AppletVersions::Applet17 {
                applet_version: b21,
                global_os_version: [b22, b23],
                interface_version: b24,
                pkcs1_support: b25,
                key_exchange_version: b26,
            },
        };
        // Byte 28 is the PIN counter only in the full P2=01 answer (eid-mw uses it only when
        // the card data is longer than 30 bytes); FF = "PIN not found" (spec §9.2).
        let pin_tries_left = if data.len() >= Self::LONG_LEN {
            data.get(Self::LEN).copied().filter(|b| *b != 0xFF)
        } else {
            None
        };
        Ok(CardData {
            raw: data.to_vec(),
            serial: *serial,
            component_code,
            os_number,
            os_version,
            softmask_number,
            softmask_version,
            applet_version: b21,
            versions,
            life_cycle: LifeCycle::from_byte(b27),
            pin_tries_left,
        })
    }

    /// The answer as received.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Bytes 0–15: the chip serial number (equal to the TokenInfo serial and identity tag 02,
    /// spec §9.2).
    pub fn serial(&self) -> &[u8; 16] {
        &self.serial
    }

    /// Bytes 0–1 of the serial: reserved for Gemalto.
    pub fn serial_reserved(&self) -> [u8; 2] {
        let [a, b, ..] = self.serial;
        [a, b]
    }

    /// Bytes 2–3 of the serial: chip manufacturer.
    pub fn chip_manufacturer(&self) -> [u8; 2] {
        let [_, _, a, b, ..] = self.serial;
        [a, b]
    }

    /// Bytes 4–15 of the serial: unique chip id.
    pub fn unique_chip_id(&self) -> [u8; 12] {
        let [_, _, _, _, ref id @ ..] = self.serial;
        *id
    }

    /// Byte 16: component code (chip dependent; `A5` on V1).
    pub fn component_code(&self) -> u8 {
        self.component_code
    }

    /// Byte 17: OS number.
    pub fn os_number(&self) -> u8 {
        self.os_number
    }

    /// Byte 18: OS version.
    pub fn os_version(&self) -> u8 {
        self.os_version
    }

    /// Byte 19: softmask number.
    pub fn softmask_number(&self) -> u8 {
        self.softmask_number
    }

    /// Byte 20: softmask version.
    pub fn softmask_version(&self) -> u8 {
        self.softmask_version
    }

    /// Byte 21: the applet version byte (`11`, `17`, `18`, …).
    pub fn applet_version(&self) -> u8 {
        self.applet_version
    }

    /// The applet generation, from byte 21 (spec §9.3).
    pub fn generation(&self) -> Generation {
        Generation::from_applet_version(self.applet_version)
    }

    /// Bytes 21–26 in the layout of the generation.
    pub fn versions(&self) -> &AppletVersions {
        &self.versions
    }

    /// Bytes 22–23 as the global OS version (1.7/1.8 layout only).
    pub fn global_os_version(&self) -> Option<u16> {
        match self.versions {
            AppletVersions::Applet17 {
                global_os_version, ..
            } => Some(u16::from_be_bytes(global_os_version)),
            AppletVersions::V1 { .. } => None,
        }
    }

    /// Byte 27: the applet life cycle.
    pub fn life_cycle(&self) -> LifeCycle {
        self.life_cycle
    }

    /// Tries left of the cardholder PIN: byte 28 of the 31-byte (P2=`01`, applet 1.8)
    /// answer; `None` for the 28-byte answer or when the card says `FF` (PIN not found).
    pub fn pin_tries_left(&self) -> Option<u8> {
        self.pin_tries_left
    }

    /// Bytes after the 28th (PIN tries and RFU of the P2=`01` answer, and anything more).
    pub fn extra(&self) -> &[u8] {
        self.raw.get(Self::LEN..).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERIAL: [u8; 16] = [
        0x53, 0x4C, 0x49, 0x4E, 0x33, 0x66, 0x00, 0x29, 0x6C, 0xFF, 0x27, 0x8E, 0x44, 0x19, 0x20,
        0x25,
    ];

    fn answer(tail: &[u8]) -> Vec<u8> {
        let mut v = SERIAL.to_vec();
        v.extend_from_slice(tail);
        v
    }

    #[test]
    fn v1_1() {
        // CE-RES 71715100070.eid, spec §9.2.
        let data = answer(&[
            0xA5, 0x03, 0x01, 0x01, 0x01, 0x11, 0x00, 0x02, 0x00, 0x01, 0x01, 0x0F,
        ]);
        let cd = CardData::parse(&data).unwrap();
        assert_eq!(cd.raw(), &data[..]);
        assert_eq!(cd.serial(), &SERIAL);
        assert_eq!(cd.serial_reserved(), [0x53, 0x4C]);
        assert_eq!(cd.chip_manufacturer(), [0x49, 0x4E]);
        assert_eq!(cd.unique_chip_id()[..], SERIAL[4..]);
        assert_eq!(cd.component_code(), 0xA5);
        assert_eq!(cd.os_number(), 0x03);
        assert_eq!(cd.os_version(), 0x01);
        assert_eq!(cd.softmask_number(), 0x01);
        assert_eq!(cd.softmask_version(), 0x01);
        assert_eq!(cd.applet_version(), 0x11);
        assert_eq!(cd.generation(), Generation::V1);
        assert_eq!(
            cd.versions(),
            &AppletVersions::V1 {
                applet_version: [0x11, 0x00],
                interface_version: [0x02, 0x00],
                pkcs15_version: [0x01, 0x01],
            }
        );
        assert_eq!(cd.global_os_version(), None);
        assert_eq!(cd.life_cycle(), LifeCycle::Personalized);
        assert_eq!(cd.pin_tries_left(), None);
        assert!(cd.extra().is_empty());
    }

    #[test]
    fn applet_1_7() {
        let data = answer(&[
            0x01, 0x02, 0x03, 0x04, 0x05, 0x17, 0x00, 0x03, 0x00, 0x21, 0x01, 0x0F,
        ]);
        let cd = CardData::parse(&data).unwrap();
        assert_eq!(cd.generation(), Generation::Applet17);
        assert_eq!(
            cd.versions(),
            &AppletVersions::Applet17 {
                applet_version: 0x17,
                global_os_version: [0x00, 0x03],
                interface_version: 0x00,
                pkcs1_support: 0x21,
                key_exchange_version: 0x01,
            }
        );
        assert_eq!(cd.global_os_version(), Some(3));
        assert_eq!(cd.life_cycle(), LifeCycle::Personalized);
        assert_eq!(cd.softmask_version(), 0x05);
    }

    #[test]
    fn applet_1_8_both_forms() {
        let short = answer(&[
            0x01, 0x02, 0x03, 0x04, 0x05, 0x18, 0x00, 0x01, 0x00, 0x00, 0x02, 0x0F,
        ]);
        let cd = CardData::parse(&short).unwrap();
        assert_eq!(cd.generation(), Generation::Applet18);
        assert_eq!(cd.global_os_version(), Some(1));
        assert_eq!(
            cd.versions(),
            &AppletVersions::Applet17 {
                applet_version: 0x18,
                global_os_version: [0x00, 0x01],
                interface_version: 0x00,
                pkcs1_support: 0x00,
                key_exchange_version: 0x02,
            }
        );
        assert_eq!(cd.pin_tries_left(), None);

        let mut long = short.clone();
        long.extend_from_slice(&[0x03, 0xFF, 0xFF]);
        let cd_long = CardData::parse(&long).unwrap();
        assert_eq!(cd_long.pin_tries_left(), Some(3));
        assert_eq!(cd_long.extra(), &[0x03, 0xFF, 0xFF]);
        assert_eq!(cd_long.versions(), cd.versions());
        assert_eq!(cd_long.raw().len(), CardData::LONG_LEN);

        long[28] = 0xFF;
        assert_eq!(CardData::parse(&long).unwrap().pin_tries_left(), None);
        long[28] = 0x00;
        assert_eq!(CardData::parse(&long).unwrap().pin_tries_left(), Some(0));
    }

    #[test]
    fn selectable_card() {
        let data = answer(&[
            0x01, 0x02, 0x03, 0x04, 0x05, 0x18, 0x00, 0x01, 0x00, 0x00, 0x02, 0x07,
        ]);
        let cd = CardData::parse(&data).unwrap();
        assert_eq!(cd.life_cycle(), LifeCycle::Selectable);
        assert_eq!(cd.life_cycle().byte(), 0x07);
    }

    #[test]
    fn v2_test_card_keeps_unknowns() {
        // MW-EMU applet-V2 test card bytes 16..27 (spec §9.2).
        let data = answer(&[
            0xD0, 0x00, 0x48, 0x01, 0x01, 0x20, 0x00, 0x03, 0x01, 0x0F, 0x02, 0x8A,
        ]);
        let cd = CardData::parse(&data).unwrap();
        assert_eq!(cd.component_code(), 0xD0);
        assert_eq!(cd.applet_version(), 0x20);
        assert_eq!(cd.generation(), Generation::Unknown(0x20));
        assert_eq!(cd.life_cycle(), LifeCycle::Other(0x8A));
        assert_eq!(cd.life_cycle().byte(), 0x8A);
        assert_eq!(
            cd.versions(),
            &AppletVersions::Applet17 {
                applet_version: 0x20,
                global_os_version: [0x00, 0x03],
                interface_version: 0x01,
                pkcs1_support: 0x0F,
                key_exchange_version: 0x02,
            }
        );
    }

    #[test]
    fn truncated_and_long_answers() {
        let full = answer(&[
            0x01, 0x02, 0x03, 0x04, 0x05, 0x18, 0x00, 0x01, 0x00, 0x00, 0x02, 0x0F, 0x03, 0xFF,
            0xFF,
        ]);
        for len in 0..CardData::LEN {
            let err = CardData::parse(&full[..len]).unwrap_err();
            assert_eq!(
                err,
                ParseError::new(
                    Parsed::CardData,
                    len,
                    ParseErrorKind::Truncated {
                        needed: CardData::LEN - len
                    }
                )
            );
        }
        // 29 and 30 bytes: no PIN counter (eid-mw requires more than 30 bytes).
        for len in [29, 30] {
            let cd = CardData::parse(&full[..len]).unwrap();
            assert_eq!(cd.pin_tries_left(), None);
            assert_eq!(cd.extra().len(), len - 28);
        }
        let mut longer = full.clone();
        longer.extend_from_slice(&[1, 2, 3]);
        let cd = CardData::parse(&longer).unwrap();
        assert_eq!(cd.pin_tries_left(), Some(3));
        assert_eq!(cd.extra(), &[0x03, 0xFF, 0xFF, 1, 2, 3]);
        assert_eq!(cd.raw(), &longer[..]);
    }

    #[test]
    fn life_cycle_roundtrip() {
        for b in 0..=255u8 {
            assert_eq!(LifeCycle::from_byte(b).byte(), b);
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_roundtrip() {
        let data = answer(&[
            0xA5, 0x03, 0x01, 0x01, 0x01, 0x11, 0x00, 0x02, 0x00, 0x01, 0x01, 0x0F,
        ]);
        let cd = CardData::parse(&data).unwrap();
        let json = serde_json::to_string(&cd).unwrap();
        let back: CardData = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cd);
    }
}
