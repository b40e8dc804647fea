//! Applet generations (spec §1, §9.2, §9.3).

/// The applet generation, decided by the applet version byte of GET CARD DATA (byte 21), as
/// every reader does (spec §9.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Generation {
    /// Applet 1.0 / 1.1 (2003–2014), RSA-1024. Applet version byte `10`/`11`.
    V1,
    /// Applet 1.7 (2014–2021), RSA-2048. Applet version byte `17`.
    Applet17,
    /// Applet 1.8 (2021–), ECDSA P-384. Applet version byte `18`.
    Applet18,
    /// An applet version byte no source documents; kept as data.
    Unknown(u8),
}

impl Generation {
    /// Classify an applet version byte.
    pub const fn from_applet_version(v: u8) -> Self {
        match v {
            0x10 | 0x11 => Generation::V1,
            0x17 => Generation::Applet17,
            0x18 => Generation::Applet18,
            other => Generation::Unknown(other),
        }
    }

    /// The applet version byte (`11`, `17`, `18`, or the unknown value).
    pub const fn applet_version(self) -> u8 {
        match self {
            Generation::V1 => 0x11,
            Generation::Applet17 => 0x17,
            Generation::Applet18 => 0x18,
            Generation::Unknown(v) => v,
        }
    }

    /// True for elliptic-curve cards (applet 1.8 and later unknown versions above it), the
    /// rule OpenSC and eid-mw apply (spec §9.3).
    pub const fn is_ec(self) -> bool {
        match self {
            Generation::Applet18 => true,
            Generation::Unknown(v) => v >= 0x18,
            _ => false,
        }
    }

    /// Number of zero bytes a missing certificate file holds (spec §2.2): 1300 on 1.7, 2500 on
    /// 1.8; `None` where no source states it.
    pub const fn missing_certificate_len(self) -> Option<usize> {
        match self {
            Generation::Applet17 => Some(1300),
            Generation::Applet18 => Some(2500),
            _ => None,
        }
    }
}

impl core::fmt::Display for Generation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Generation::V1 => f.write_str("applet 1.1"),
            Generation::Applet17 => f.write_str("applet 1.7"),
            Generation::Applet18 => f.write_str("applet 1.8"),
            Generation::Unknown(v) => write!(f, "applet {:X}.{:X}", v >> 4, v & 0x0F),
        }
    }
}
