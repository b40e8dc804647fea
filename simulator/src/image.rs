//! The contents of a virtual card: everything the applet serves (the interface between the
//! content builder and the applet state machine).

use std::collections::BTreeMap;
use std::sync::Arc;

use beid::vocab::LifeCycle;
use beid::{FileId, Generation, Pin};

use crate::keys::SigningKey;

/// Everything a virtual card holds: files, card data, PIN and private keys.
///
/// Built by [`crate::VirtualCardBuilder::build_image`] or a ready profile
/// ([`crate::Profile::image`]); served by the applet. Cloning is cheap (keys and files are
/// shared).
#[derive(Clone)]
pub struct CardImage {
    /// Applet generation.
    pub generation: Generation,
    /// Answer to reset (spec §1.1).
    pub atr: Vec<u8>,
    /// The 28-byte GET CARD DATA answer (`80 E4 00 00 1C`, spec §9.2). The 1.8 extended form
    /// (`P2 = 01`) appends the live PIN tries counter and `FF FF`.
    pub card_data: [u8; 28],
    /// Transparent EFs by file id, exactly as stored on the card (padding included).
    pub files: BTreeMap<FileId, Arc<Vec<u8>>>,
    /// The cardholder PIN (reference `01`).
    pub pin: Pin,
    /// Tries left at power-on (3 on a fresh card; 0 = blocked).
    pub pin_tries_left: u8,
    /// Private keys by role.
    pub keys: CardKeys,
}

/// The card's private keys.
#[derive(Clone, Default)]
pub struct CardKeys {
    /// Key `82` (authentication); `None` on cards without holder certificates (kids cards).
    pub authentication: Option<Arc<SigningKey>>,
    /// Key `83` (non-repudiation); `None` on cards without it.
    pub non_repudiation: Option<Arc<SigningKey>>,
    /// Key `81` (basic key, INTERNAL AUTHENTICATE, spec §7.5, §8.11): EC P-384 on applet 1.8
    /// (its public part is EF(PuK#1)); RSA-2048 on applet 1.7 (public part not on the card).
    pub basic: Option<Arc<SigningKey>>,
}

impl CardImage {
    /// The applet life cycle, GET CARD DATA byte 27 (spec §9.2).
    pub fn life_cycle(&self) -> LifeCycle {
        LifeCycle::from_byte(self.card_data.get(LifeCycle::OFFSET).copied().unwrap_or(0))
    }

    /// Whether the card is issued (life cycle `0F`); otherwise its EFs are not activated and
    /// the PIN and key commands are not available (spec §3.1, §10).
    pub fn is_personalized(&self) -> bool {
        self.life_cycle().is_personalized()
    }
}

impl core::fmt::Debug for CardImage {
    /// File sizes instead of contents; the PIN is redacted by [`Pin`]'s own `Debug`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        struct Sizes<'a>(&'a BTreeMap<FileId, Arc<Vec<u8>>>);
        impl core::fmt::Debug for Sizes<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_map()
                    .entries(self.0.iter().map(|(id, data)| (id, data.len())))
                    .finish()
            }
        }
        f.debug_struct("CardImage")
            .field("generation", &self.generation)
            .field("atr", &Hex(&self.atr))
            .field("card_data", &Hex(&self.card_data))
            .field("file_sizes", &Sizes(&self.files))
            .field("pin", &self.pin)
            .field("pin_tries_left", &self.pin_tries_left)
            .field("keys", &self.keys)
            .finish()
    }
}

impl core::fmt::Debug for CardKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let kind = |k: &Option<Arc<SigningKey>>| k.as_ref().map(|k| k.kind());
        f.debug_struct("CardKeys")
            .field("authentication", &kind(&self.authentication))
            .field("non_repudiation", &kind(&self.non_repudiation))
            .field("basic", &kind(&self.basic))
            .finish()
    }
}

struct Hex<'a>(&'a [u8]);

impl core::fmt::Debug for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}
