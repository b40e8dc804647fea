//! Everything read from a card: raw bytes and parsed values.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::files::{Address, BasicPublicKey, CardData, Certificate, Identity, Photo, TokenInfo};
use crate::vocab::{FileId, Generation};

/// The files `read_all` reads, in order. The identity file comes first so that the national
/// number is known (and masked for observers) before the certificates that repeat it.
pub(crate) fn files_to_read(generation: Generation) -> &'static [FileId] {
    // The basic public key (applet 1.8 only) comes last so that RSA cards use a prefix.
    const FILES: [FileId; 12] = [
        FileId::Identity,
        FileId::IdentitySignature,
        FileId::Address,
        FileId::AddressSignature,
        FileId::Photo,
        FileId::TokenInfo,
        FileId::RrnCertificate,
        FileId::AuthenticationCertificate,
        FileId::NonRepudiationCertificate,
        FileId::CaCertificate,
        FileId::RootCertificate,
        FileId::BasicPublicKey,
    ];
    if generation.is_ec() {
        &FILES
    } else {
        FILES.split_last().map_or(&FILES, |(_, rest)| rest)
    }
}

/// Files whose absence (`6A 82` on SELECT) is not an error.
pub(crate) fn is_optional(file: FileId) -> bool {
    file.is_certificate() || file == FileId::BasicPublicKey
}

/// The raw bytes of everything read from a card, exactly as the card returned them.
///
/// This is the source of truth: [`CardContents`] is derived from it, and it is what serde
/// stores, so a server can re-parse and re-verify offline what a client read.
#[derive(Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RawCardContents {
    /// The ATR, when the transport knew it.
    pub atr: Option<Vec<u8>>,
    /// The GET CARD DATA answer.
    pub card_data: Vec<u8>,
    /// File contents by file. Files missing from the card are absent; certificate files
    /// holding no certificate contain the zero bytes read.
    pub files: BTreeMap<FileId, Vec<u8>>,
}

impl RawCardContents {
    /// Start a collection.
    pub fn new(atr: Option<Vec<u8>>, card_data: Vec<u8>) -> Self {
        RawCardContents {
            atr,
            card_data,
            files: BTreeMap::new(),
        }
    }

    /// Store a file's bytes.
    pub fn insert(&mut self, file: FileId, bytes: Vec<u8>) {
        self.files.insert(file, bytes);
    }

    /// A file's bytes.
    pub fn file(&self, file: FileId) -> Option<&[u8]> {
        self.files.get(&file).map(Vec::as_slice)
    }

    /// Total bytes of all files.
    pub fn total_len(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }
}

impl core::fmt::Debug for RawCardContents {
    /// Lengths only: the bytes hold personal data (national number).
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in &self.files {
            m.entry(k, &format_args!("{} bytes", v.len()));
        }
        m.finish()
    }
}

/// Everything read from a card, parsed, with the raw bytes kept beside it ([`CardContents::raw`]).
///
/// The parsed views are read-only (accessors), so they can never drift from the raw bytes they
/// were parsed from; to change a card, edit a [`RawCardContents`] and parse it again.
///
/// Certificates absent from the card (e.g. the holder certificates of a kids card, whose files
/// are zero-filled, spec §2.2) are `None`, not errors.
#[derive(Clone)]
#[non_exhaustive]
pub struct CardContents {
    /// GET CARD DATA (serial, applet version, life cycle, …).
    card_data: CardData,
    /// EF(ID#RN).
    identity: Identity,
    /// EF(ID#Address).
    address: Address,
    /// EF(ID#Photo).
    photo: Photo,
    /// EF(TokenInfo).
    token_info: TokenInfo,
    /// EF(Cert#2), the authentication certificate.
    authentication_certificate: Option<Certificate>,
    /// EF(Cert#3), the non-repudiation certificate.
    non_repudiation_certificate: Option<Certificate>,
    /// EF(Cert#4), the citizen / foreigner CA certificate.
    ca_certificate: Option<Certificate>,
    /// EF(Cert#6), the root CA certificate.
    root_certificate: Option<Certificate>,
    /// EF(Cert#8), the national register certificate that signs identity and address.
    rrn_certificate: Option<Certificate>,
    /// EF(PuK#1), the basic public key (applet 1.8).
    basic_public_key: Option<BasicPublicKey>,
    raw: RawCardContents,
}

impl CardContents {
    /// Parse raw contents. Mandatory files (identity, address, photo, TokenInfo, both
    /// signatures) must be present and well-formed; a parse error names the file and offset.
    pub fn from_raw(raw: RawCardContents) -> Result<Self> {
        use crate::error::{Error, Parsed};
        let need = |f: FileId| {
            raw.file(f)
                .ok_or(Error::Card(crate::CardError::FileNotFound(f)))
        };
        let within =
            |f: FileId| move |e: crate::ParseError| Error::Parse(e.within(Parsed::File(f)));
        let cert = |f: FileId| -> Result<Option<Certificate>> {
            match raw.file(f) {
                None => Ok(None),
                Some(b) if Certificate::is_absent(b) => Ok(None),
                Some(b) => Certificate::parse(b).map(Some).map_err(within(f)),
            }
        };
        let card_data = CardData::parse(&raw.card_data)?;
        let identity = Identity::parse(need(FileId::Identity)?)?;
        let address = Address::parse(need(FileId::Address)?)?;
        let photo = Photo::parse(need(FileId::Photo)?).map_err(within(FileId::Photo))?;
        let token_info =
            TokenInfo::parse(need(FileId::TokenInfo)?).map_err(within(FileId::TokenInfo))?;
        need(FileId::IdentitySignature)?;
        need(FileId::AddressSignature)?;
        let basic_public_key = match raw.file(FileId::BasicPublicKey) {
            None => None,
            Some(b) => Some(BasicPublicKey::parse(b).map_err(within(FileId::BasicPublicKey))?),
        };
        Ok(CardContents {
            card_data,
            identity,
            address,
            photo,
            token_info,
            authentication_certificate: cert(FileId::AuthenticationCertificate)?,
            non_repudiation_certificate: cert(FileId::NonRepudiationCertificate)?,
            ca_certificate: cert(FileId::CaCertificate)?,
            root_certificate: cert(FileId::RootCertificate)?,
            rrn_certificate: cert(FileId::RrnCertificate)?,
            basic_public_key,
            raw,
        })
    }

    /// GET CARD DATA (serial, applet version, life cycle, …).
    pub fn card_data(&self) -> &CardData {
        &self.card_data
    }

    /// EF(ID#RN).
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// EF(ID#Address).
    pub fn address(&self) -> &Address {
        &self.address
    }

    /// EF(ID#Photo).
    pub fn photo(&self) -> &Photo {
        &self.photo
    }

    /// EF(TokenInfo).
    pub fn token_info(&self) -> &TokenInfo {
        &self.token_info
    }

    /// EF(Cert#2), the authentication certificate.
    pub fn authentication_certificate(&self) -> Option<&Certificate> {
        self.authentication_certificate.as_ref()
    }

    /// EF(Cert#3), the non-repudiation certificate.
    pub fn non_repudiation_certificate(&self) -> Option<&Certificate> {
        self.non_repudiation_certificate.as_ref()
    }

    /// EF(Cert#4), the citizen / foreigner CA certificate.
    pub fn ca_certificate(&self) -> Option<&Certificate> {
        self.ca_certificate.as_ref()
    }

    /// EF(Cert#6), the root CA certificate.
    pub fn root_certificate(&self) -> Option<&Certificate> {
        self.root_certificate.as_ref()
    }

    /// EF(Cert#8), the national register certificate that signs identity and address.
    pub fn rrn_certificate(&self) -> Option<&Certificate> {
        self.rrn_certificate.as_ref()
    }

    /// EF(PuK#1), the basic public key (applet 1.8).
    pub fn basic_public_key(&self) -> Option<&BasicPublicKey> {
        self.basic_public_key.as_ref()
    }

    /// The raw bytes everything was parsed from.
    pub fn raw(&self) -> &RawCardContents {
        &self.raw
    }

    /// Give the raw bytes back (e.g. to modify a file and parse again).
    pub fn into_raw(self) -> RawCardContents {
        self.raw
    }

    /// The identity signature file (EF(SGN#RN)) as read, padding included (spec §7.2).
    pub fn identity_signature(&self) -> &[u8] {
        self.raw.file(FileId::IdentitySignature).unwrap_or(&[])
    }

    /// The address signature file (EF(SGN#Address)) as read, padding included (spec §7.3).
    pub fn address_signature(&self) -> &[u8] {
        self.raw.file(FileId::AddressSignature).unwrap_or(&[])
    }

    /// The applet generation.
    pub fn generation(&self) -> Generation {
        self.card_data.generation()
    }
}

impl core::fmt::Debug for CardContents {
    /// Parsed values only (their own `Debug` masks the national number); no raw bytes.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CardContents")
            .field("card_data", &self.card_data)
            .field("identity", &self.identity)
            .field("address", &self.address)
            .field("photo", &self.photo)
            .field("token_info", &self.token_info)
            .field(
                "authentication_certificate",
                &self.authentication_certificate,
            )
            .field(
                "non_repudiation_certificate",
                &self.non_repudiation_certificate,
            )
            .field("ca_certificate", &self.ca_certificate)
            .field("root_certificate", &self.root_certificate)
            .field("rrn_certificate", &self.rrn_certificate)
            .field("basic_public_key", &self.basic_public_key)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::{CardContents, RawCardContents};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize)]
    struct Out<'a> {
        raw: &'a RawCardContents,
        card_data: &'a crate::files::CardData,
        identity: &'a crate::files::Identity,
        address: &'a crate::files::Address,
        token_info: &'a crate::files::TokenInfo,
    }

    #[derive(Deserialize)]
    struct In {
        raw: RawCardContents,
    }

    impl Serialize for CardContents {
        /// Serializes the raw bytes (the source of truth) plus the main parsed values.
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            Out {
                raw: &self.raw,
                card_data: &self.card_data,
                identity: &self.identity,
                address: &self.address,
                token_info: &self.token_info,
            }
            .serialize(s)
        }
    }

    impl<'de> Deserialize<'de> for CardContents {
        /// Re-parses from the raw bytes; parsed fields in the input are ignored. A deserialized
        /// value is never "already verified".
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let i = In::deserialize(d)?;
            CardContents::from_raw(i.raw).map_err(serde::de::Error::custom)
        }
    }
}
