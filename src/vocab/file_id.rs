//! Typed identifiers of the card's files (spec §2.1).

/// A file of the Belgian eID card, by its role. Paths are absolute from the MF (spec §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FileId {
    /// EF(DIR) `3F00 2F00`.
    Dir,
    /// EF(ODF) `3F00 DF00 5031`.
    Odf,
    /// EF(TokenInfo) `3F00 DF00 5032`.
    TokenInfo,
    /// EF(AODF) `3F00 DF00 5034`.
    Aodf,
    /// EF(PrKDF) `3F00 DF00 5035`.
    Prkdf,
    /// EF(CDF) `3F00 DF00 5037`.
    Cdf,
    /// EF(Cert#2) authentication certificate `3F00 DF00 5038`.
    AuthenticationCertificate,
    /// EF(Cert#3) non-repudiation certificate `3F00 DF00 5039`.
    NonRepudiationCertificate,
    /// EF(Cert#4) citizen / foreigner CA certificate `3F00 DF00 503A`.
    CaCertificate,
    /// EF(Cert#6) root CA certificate `3F00 DF00 503B`.
    RootCertificate,
    /// EF(Cert#8) national register (RRN) certificate `3F00 DF00 503C`.
    RrnCertificate,
    /// EF(ID#RN) identity file `3F00 DF01 4031`.
    Identity,
    /// EF(SGN#RN) identity signature `3F00 DF01 4032`.
    IdentitySignature,
    /// EF(ID#Address) address file `3F00 DF01 4033`.
    Address,
    /// EF(SGN#Address) address signature `3F00 DF01 4034`.
    AddressSignature,
    /// EF(ID#Photo) JPEG photo `3F00 DF01 4035`.
    Photo,
    /// EF(PuK#7 ID) hash of the CA-role key `3F00 DF01 4038` (V1/1.7).
    CaRoleKeyHash,
    /// EF(Preferences) `3F00 DF01 4039` (V1/1.7, deprecated).
    Preferences,
    /// EF(PuK#1 Basic) basic public key `3F00 DF01 4040` (applet 1.8).
    BasicPublicKey,
}

impl FileId {
    /// Every file, in path order.
    pub const ALL: [FileId; 19] = [
        FileId::Dir,
        FileId::Odf,
        FileId::TokenInfo,
        FileId::Aodf,
        FileId::Prkdf,
        FileId::Cdf,
        FileId::AuthenticationCertificate,
        FileId::NonRepudiationCertificate,
        FileId::CaCertificate,
        FileId::RootCertificate,
        FileId::RrnCertificate,
        FileId::Identity,
        FileId::IdentitySignature,
        FileId::Address,
        FileId::AddressSignature,
        FileId::Photo,
        FileId::CaRoleKeyHash,
        FileId::Preferences,
        FileId::BasicPublicKey,
    ];

    /// The file identifier (last component of the path).
    pub const fn fid(self) -> u16 {
        match self {
            FileId::Dir => 0x2F00,
            FileId::Odf => 0x5031,
            FileId::TokenInfo => 0x5032,
            FileId::Aodf => 0x5034,
            FileId::Prkdf => 0x5035,
            FileId::Cdf => 0x5037,
            FileId::AuthenticationCertificate => 0x5038,
            FileId::NonRepudiationCertificate => 0x5039,
            FileId::CaCertificate => 0x503A,
            FileId::RootCertificate => 0x503B,
            FileId::RrnCertificate => 0x503C,
            FileId::Identity => 0x4031,
            FileId::IdentitySignature => 0x4032,
            FileId::Address => 0x4033,
            FileId::AddressSignature => 0x4034,
            FileId::Photo => 0x4035,
            FileId::CaRoleKeyHash => 0x4038,
            FileId::Preferences => 0x4039,
            FileId::BasicPublicKey => 0x4040,
        }
    }

    /// The DF holding the file: `None` for EF(DIR) (directly under the MF), `DF00` or `DF01`.
    pub const fn df(self) -> Option<u16> {
        match self {
            FileId::Dir => None,
            FileId::Odf
            | FileId::TokenInfo
            | FileId::Aodf
            | FileId::Prkdf
            | FileId::Cdf
            | FileId::AuthenticationCertificate
            | FileId::NonRepudiationCertificate
            | FileId::CaCertificate
            | FileId::RootCertificate
            | FileId::RrnCertificate => Some(0xDF00),
            _ => Some(0xDF01),
        }
    }

    /// Absolute path without the MF, as the reference manuals describe P1=`08` paths
    /// (e.g. `DF01 4031`; `2F00` for EF(DIR)).
    pub fn path(self) -> PathBytes {
        let fid = self.fid().to_be_bytes();
        match self.df() {
            None => PathBytes {
                bytes: [fid[0], fid[1], 0, 0],
                len: 2,
            },
            Some(df) => {
                let d = df.to_be_bytes();
                PathBytes {
                    bytes: [d[0], d[1], fid[0], fid[1]],
                    len: 4,
                }
            }
        }
    }

    /// Find the file with this DF and FID.
    pub fn from_df_fid(df: Option<u16>, fid: u16) -> Option<FileId> {
        FileId::ALL
            .into_iter()
            .find(|f| f.fid() == fid && f.df() == df)
    }

    /// A stable snake_case name for the file (`identity`, `cert_rrn`, …): the file names of a
    /// `beid dump` directory (`<name>.bin`) and the keys of JSON output. Never changes between
    /// releases; [`FileId::from_short_name`] is its inverse.
    pub const fn short_name(self) -> &'static str {
        match self {
            FileId::Dir => "dir",
            FileId::Odf => "odf",
            FileId::TokenInfo => "token_info",
            FileId::Aodf => "aodf",
            FileId::Prkdf => "prkdf",
            FileId::Cdf => "cdf",
            FileId::AuthenticationCertificate => "cert_authentication",
            FileId::NonRepudiationCertificate => "cert_non_repudiation",
            FileId::CaCertificate => "cert_ca",
            FileId::RootCertificate => "cert_root",
            FileId::RrnCertificate => "cert_rrn",
            FileId::Identity => "identity",
            FileId::IdentitySignature => "identity_signature",
            FileId::Address => "address",
            FileId::AddressSignature => "address_signature",
            FileId::Photo => "photo",
            FileId::CaRoleKeyHash => "ca_role_key_hash",
            FileId::Preferences => "preferences",
            FileId::BasicPublicKey => "basic_public_key",
        }
    }

    /// The file whose [`FileId::short_name`] is `name`.
    pub fn from_short_name(name: &str) -> Option<FileId> {
        FileId::ALL.into_iter().find(|f| f.short_name() == name)
    }

    /// Which files hold X.509 certificates.
    pub const fn is_certificate(self) -> bool {
        matches!(
            self,
            FileId::AuthenticationCertificate
                | FileId::NonRepudiationCertificate
                | FileId::CaCertificate
                | FileId::RootCertificate
                | FileId::RrnCertificate
        )
    }
}

impl core::fmt::Display for FileId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let name = match self {
            FileId::Dir => "EF(DIR)",
            FileId::Odf => "EF(ODF)",
            FileId::TokenInfo => "EF(TokenInfo)",
            FileId::Aodf => "EF(AODF)",
            FileId::Prkdf => "EF(PrKDF)",
            FileId::Cdf => "EF(CDF)",
            FileId::AuthenticationCertificate => "EF(Cert#2 authentication)",
            FileId::NonRepudiationCertificate => "EF(Cert#3 non-repudiation)",
            FileId::CaCertificate => "EF(Cert#4 CA)",
            FileId::RootCertificate => "EF(Cert#6 root)",
            FileId::RrnCertificate => "EF(Cert#8 RRN)",
            FileId::Identity => "EF(ID#RN)",
            FileId::IdentitySignature => "EF(SGN#RN)",
            FileId::Address => "EF(ID#Address)",
            FileId::AddressSignature => "EF(SGN#Address)",
            FileId::Photo => "EF(ID#Photo)",
            FileId::CaRoleKeyHash => "EF(PuK#7 ID)",
            FileId::Preferences => "EF(Preferences)",
            FileId::BasicPublicKey => "EF(PuK#1 Basic)",
        };
        write!(f, "{name} {:04X}", self.fid())
    }
}

/// A file path of 2 or 4 bytes (no allocation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathBytes {
    bytes: [u8; 4],
    len: u8,
}

impl core::ops::Deref for PathBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.bytes.get(..self.len as usize).unwrap_or(&self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(&*FileId::Identity.path(), &[0xDF, 0x01, 0x40, 0x31]);
        assert_eq!(&*FileId::Dir.path(), &[0x2F, 0x00]);
        assert_eq!(&*FileId::RrnCertificate.path(), &[0xDF, 0x00, 0x50, 0x3C]);
        for f in FileId::ALL {
            assert_eq!(FileId::from_df_fid(f.df(), f.fid()), Some(f));
        }
    }

    #[test]
    fn short_names_are_unique_and_invertible() {
        for f in FileId::ALL {
            assert_eq!(FileId::from_short_name(f.short_name()), Some(f));
        }
        assert_eq!(FileId::Identity.short_name(), "identity");
        assert_eq!(FileId::from_short_name("nope"), None);
    }
}
