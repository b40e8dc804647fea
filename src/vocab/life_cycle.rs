//! The applet life cycle byte (spec §9.2 byte 27; RM17/RM18 GET CARD DATA).

/// The applet life cycle state, byte 27 of the GET CARD DATA answer (spec §9.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum LifeCycle {
    /// `07` SELECTABLE: the card is not issued yet.
    Selectable,
    /// `0F` PERSONALIZED: every released card.
    Personalized,
    /// Any other value (e.g. `8A` on the applet-V2 test card of the old emulator), kept as data.
    Other(u8),
}

impl LifeCycle {
    /// Offset of the life cycle byte in the GET CARD DATA answer (spec §9.2).
    pub const OFFSET: usize = 27;

    /// Classify a life cycle byte.
    pub const fn from_byte(b: u8) -> Self {
        match b {
            0x07 => LifeCycle::Selectable,
            0x0F => LifeCycle::Personalized,
            other => LifeCycle::Other(other),
        }
    }

    /// Whether this is a released card (`0F`). Cards in any other state are not issued: their
    /// EFs are not activated and the PIN and key commands answer `6D 00` (spec §3.1, §10).
    pub const fn is_personalized(self) -> bool {
        matches!(self, LifeCycle::Personalized)
    }

    /// What to tell the holder of a card in this state; `None` for a released card.
    /// A card issued through a consulate stays `07` until it is activated with the PIN letter
    /// (eid-viewer issue 7: the official viewer just fails to open a session).
    pub const fn hint(self) -> Option<&'static str> {
        match self {
            LifeCycle::Personalized => None,
            _ => Some(NOT_ACTIVATED_HINT),
        }
    }

    /// The life cycle byte.
    pub const fn byte(self) -> u8 {
        match self {
            LifeCycle::Selectable => 0x07,
            LifeCycle::Personalized => 0x0F,
            LifeCycle::Other(b) => b,
        }
    }
}

/// The hint for a card that is not activated (life cycle other than `0F`).
pub const NOT_ACTIVATED_HINT: &str = "this card has not been activated yet: activate it (with the \
     PIN letter) at the municipality or the consulate that issued it";
