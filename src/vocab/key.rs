//! Key and algorithm references of MSE:SET and INTERNAL AUTHENTICATE (spec §8.7, §8.11).

/// Key references of the Belpic applet (spec §8.7, RM17 §4.1, RM18 §6.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum KeyReference {
    /// `81`: the basic (card authentication) key; INTERNAL AUTHENTICATE only (applet 1.8).
    Basic,
    /// `82`: the holder's authentication key ("PIN once").
    Authentication,
    /// `83`: the holder's non-repudiation key ("PIN just before").
    NonRepudiation,
    /// Any other reference byte.
    Other(u8),
}

impl KeyReference {
    /// The reference byte.
    pub const fn byte(self) -> u8 {
        match self {
            KeyReference::Basic => 0x81,
            KeyReference::Authentication => 0x82,
            KeyReference::NonRepudiation => 0x83,
            KeyReference::Other(b) => b,
        }
    }

    /// Classify a reference byte.
    pub const fn from_byte(b: u8) -> Self {
        match b {
            0x81 => KeyReference::Basic,
            0x82 => KeyReference::Authentication,
            0x83 => KeyReference::NonRepudiation,
            other => KeyReference::Other(other),
        }
    }
}

/// An MSE:SET algorithm reference (spec §8.7). The meaning depends on the applet generation,
/// hence the two sets of constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AlgorithmReference(pub u8);

impl AlgorithmReference {
    /// 1.7: RSASSA-PKCS1-v1.5, no predefined hash (DTBS = DigestInfo, ≤ 245 bytes).
    pub const RSA_PKCS1: Self = Self(0x01);
    /// 1.7: RSASSA-PKCS1-v1.5 with SHA-1 (DTBS = 20-byte hash).
    pub const RSA_PKCS1_SHA1: Self = Self(0x02);
    /// 1.7: RSASSA-PKCS1-v1.5 with MD5 (backward compatibility only).
    pub const RSA_PKCS1_MD5: Self = Self(0x04);
    /// 1.7: RSASSA-PKCS1-v1.5 with SHA-256.
    pub const RSA_PKCS1_SHA256: Self = Self(0x08);
    /// 1.7: RSASSA-PSS with SHA-1, salt 20.
    pub const RSA_PSS_SHA1: Self = Self(0x10);
    /// 1.7: RSASSA-PSS with SHA-256, salt 32.
    pub const RSA_PSS_SHA256: Self = Self(0x20);
    /// 1.8: ECDSA with SHA-256 (32-byte hash).
    pub const ECDSA_SHA256: Self = Self(0x01);
    /// 1.8: ECDSA with SHA-384 (48-byte hash).
    pub const ECDSA_SHA384: Self = Self(0x02);
    /// 1.8: ECDSA with SHA-512 (64-byte hash).
    pub const ECDSA_SHA512: Self = Self(0x04);
    /// 1.8: ECDSA with SHA3-256.
    pub const ECDSA_SHA3_256: Self = Self(0x08);
    /// 1.8: ECDSA with SHA3-384.
    pub const ECDSA_SHA3_384: Self = Self(0x10);
    /// 1.8: ECDSA with SHA3-512.
    pub const ECDSA_SHA3_512: Self = Self(0x20);
    /// 1.8: ECDSA, hash not specified (20, 28, 32, 48 or 64 bytes).
    pub const ECDSA_RAW: Self = Self(0x40);
}
