//! The type of a private key (the simulator's bottom layer: imported by its errors and keys).

/// The type of a private key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// RSA with a modulus of `bits` bits (2048 on applet 1.7 cards, spec §8.10).
    Rsa {
        /// Modulus size in bits.
        bits: u32,
    },
    /// ECDSA on NIST P-384 (secp384r1), applet 1.8 (spec §8.10).
    EcP384,
}

impl KeyType {
    /// RSA-2048, the key type of applet 1.7 cards.
    pub const RSA_2048: KeyType = KeyType::Rsa { bits: 2048 };

    /// True for RSA keys.
    pub const fn is_rsa(self) -> bool {
        matches!(self, KeyType::Rsa { .. })
    }

    /// True for EC keys.
    pub const fn is_ec(self) -> bool {
        matches!(self, KeyType::EcP384)
    }

    /// Length of the signature the card returns for PSO:CDS / INTERNAL AUTHENTICATE: the
    /// modulus length for RSA, plain `r ‖ s` (96 bytes) for P-384 (spec §8.8).
    pub const fn signature_len(self) -> usize {
        match self {
            KeyType::Rsa { bits } => bits.div_ceil(8) as usize,
            KeyType::EcP384 => 96,
        }
    }

    /// Key size in bits (modulus or curve size).
    pub const fn bits(self) -> u32 {
        match self {
            KeyType::Rsa { bits } => bits,
            KeyType::EcP384 => 384,
        }
    }
}

impl core::fmt::Display for KeyType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            KeyType::Rsa { bits } => write!(f, "RSA-{bits}"),
            KeyType::EcP384 => f.write_str("EC P-384"),
        }
    }
}
