//! The tags of the identity file EF(ID#RN), declared once (spec §4.2): number, name, PKCS#11
//! label (eid-mw's CKA_LABEL), whether the tag is mandatory and whether its value is text. The
//! enum, its table, the byte mapping, labels, the mandatory list and the text mask are all
//! generated from the one table below.

/// Generates [`IdentityTag`] and its tables from one list of `Variant = byte, label, M|O, T|B`
/// (mandatory or optional; text or binary).
macro_rules! identity_tags {
    ( $( $(#[$doc:meta])* $variant:ident = $byte:literal, $label:expr, $m:ident, $t:ident; )* ) => {
        /// A tag of the identity file (spec §4.2). Tags 0x20 and above are
        /// [`IdentityTag::Unknown`].
        ///
        /// Convert with `IdentityTag::from(byte)` / `u8::from(tag)`. `Unknown(b)` with a `b`
        /// below 0x20 is not canonical; [`IdentityTag::from_byte`] never produces it and the
        /// accessors of [`Identity`](crate::Identity) treat it like the named tag.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub enum IdentityTag {
            $( $(#[$doc])* $variant, )*
            /// Any other tag (0x20 and above).
            Unknown(u8),
        }

        impl IdentityTag {
            /// The 32 named tags, 0x00 to 0x1F.
            pub const ALL: [IdentityTag; 32] = [ $( IdentityTag::$variant, )* ];

            /// The tag byte.
            pub const fn byte(self) -> u8 {
                match self {
                    $( IdentityTag::$variant => $byte, )*
                    IdentityTag::Unknown(b) => b,
                }
            }

            /// The PKCS#11 label eid-mw uses for the field (spec §4.2), `None` for tag 00 and
            /// unknown tags.
            pub const fn label(self) -> Option<&'static str> {
                match self.byte() {
                    $( $byte => $label, )*
                    _ => None,
                }
            }

            /// True for the tags a valid file must contain ("M" in spec §4.2).
            pub const fn is_mandatory(self) -> bool {
                match self.byte() {
                    $( $byte => identity_tags!(@m $m), )*
                    _ => false,
                }
            }
        }

        /// Tags whose value is exposed as text (UTF-8 or ASCII, decoded lossily when invalid).
        pub(crate) const TEXT_TAGS: u32 = 0 $( | (identity_tags!(@t $t) << $byte) )*;
    };
    (@m M) => { true };
    (@m O) => { false };
    (@t T) => { 1u32 };
    (@t B) => { 0u32 };
}

identity_tags! {
    /// 0x00 file structure version (binary; optional, only as the first element, §4.1).
    FileStructureVersion = 0x00, None, O, B;
    /// 0x01 card number (mandatory).
    CardNumber = 0x01, Some("card_number"), M, B;
    /// 0x02 chip number, 16 bytes (mandatory).
    ChipNumber = 0x02, Some("chip_number"), M, B;
    /// 0x03 card validity begin `DD.MM.YYYY` (mandatory).
    ValidityBegin = 0x03, Some("validity_begin_date"), M, B;
    /// 0x04 card validity end `DD.MM.YYYY` (mandatory).
    ValidityEnd = 0x04, Some("validity_end_date"), M, B;
    /// 0x05 card delivery municipality (mandatory).
    IssuingMunicipality = 0x05, Some("issuing_municipality"), M, T;
    /// 0x06 national number, 11 digits (mandatory).
    NationalNumber = 0x06, Some("national_number"), M, B;
    /// 0x07 surname (mandatory).
    Surname = 0x07, Some("surname"), M, T;
    /// 0x08 first two given names.
    GivenNames = 0x08, Some("firstnames"), O, T;
    /// 0x09 first letter of the third given name.
    FirstLetterOfThirdGivenName = 0x09, Some("first_letter_of_third_given_name"), O, T;
    /// 0x0A nationality (mandatory).
    Nationality = 0x0A, Some("nationality"), M, T;
    /// 0x0B birth place (mandatory).
    BirthPlace = 0x0B, Some("location_of_birth"), M, T;
    /// 0x0C birth date (mandatory, §5.2).
    BirthDate = 0x0C, Some("date_of_birth"), M, T;
    /// 0x0D sex (mandatory, §6.3).
    Sex = 0x0D, Some("gender"), M, B;
    /// 0x0E noble condition (§6.5).
    NobleCondition = 0x0E, Some("nobility"), O, T;
    /// 0x0F document type (mandatory, §6.1).
    DocumentType = 0x0F, Some("document_type"), M, B;
    /// 0x10 special status (§6.2).
    SpecialStatus = 0x10, Some("special_status"), O, B;
    /// 0x11 hash of the photo (mandatory, §7.4).
    PhotoHash = 0x11, Some("photo_hash"), M, B;
    /// 0x12 duplicate (§6.6).
    Duplicate = 0x12, Some("duplicata"), O, T;
    /// 0x13 special organisation (§6.4).
    SpecialOrganisation = 0x13, Some("special_organization"), O, B;
    /// 0x14 member of family (no value, §6.8).
    MemberOfFamily = 0x14, Some("member_of_family"), O, B;
    /// 0x15 date and country of protection `dd.MM.yyyy-A2` (§6.8).
    DateAndCountryOfProtection = 0x15, Some("date_and_country_of_protection"), O, T;
    /// 0x16 work-permit mention (§6.7).
    WorkPermit = 0x16, Some("work_permit_mention"), O, B;
    /// 0x17 employer VAT number 1.
    EmployerVat1 = 0x17, Some("employer_vat_1"), O, T;
    /// 0x18 employer VAT number 2.
    EmployerVat2 = 0x18, Some("employer_vat_2"), O, T;
    /// 0x19 regional file number.
    RegionalFileNumber = 0x19, Some("regional_file_number"), O, T;
    /// 0x1A SHA-384 of the basic public key file (applet 1.8, §7.5).
    BasicKeyHash = 0x1A, Some("basic_key_hash"), O, B;
    /// 0x1B Brexit mention 1.
    BrexitMention1 = 0x1B, Some("brexit_mention_1"), O, B;
    /// 0x1C Brexit mention 2.
    BrexitMention2 = 0x1C, Some("brexit_mention_2"), O, B;
    /// 0x1D card A mention 1.
    CardAMention1 = 0x1D, Some("cardA_mention_1"), O, B;
    /// 0x1E card A mention 2.
    CardAMention2 = 0x1E, Some("cardA_mention_2"), O, B;
    /// 0x1F EU registration date / date of permanent residence `DD.MM.YYYY`.
    EuStartDate = 0x1F, Some("cardEU_start_date"), O, B;
}

impl IdentityTag {
    /// The mandatory tags ("M" in spec §4.2): 01–07, 0A–0D, 0F, 11 — derived from the table.
    // Evaluated at compile time: an index out of bounds would be a compile error, not a panic.
    #[allow(clippy::indexing_slicing)]
    pub const MANDATORY: [IdentityTag; 13] = {
        let mut out = [IdentityTag::CardNumber; 13];
        let mut i = 0;
        let mut n = 0;
        while i < IdentityTag::ALL.len() {
            if IdentityTag::ALL[i].is_mandatory() && n < out.len() {
                out[n] = IdentityTag::ALL[i];
                n += 1;
            }
            i += 1;
        }
        out
    };

    /// The tag of a byte.
    pub fn from_byte(b: u8) -> IdentityTag {
        IdentityTag::ALL
            .get(usize::from(b))
            .copied()
            .unwrap_or(IdentityTag::Unknown(b))
    }
}

impl From<u8> for IdentityTag {
    fn from(b: u8) -> Self {
        IdentityTag::from_byte(b)
    }
}

impl From<IdentityTag> for u8 {
    fn from(t: IdentityTag) -> u8 {
        t.byte()
    }
}
