//! [`IdentityBuilder`]: writes an identity file (spec §4.1, §4.2).

use super::*;

/// Every field of an identity file, owned, for writing one ([`IdentityBuilder::encode`]).
///
/// Optional fields are `Option`s: `None` omits the tag, unless the tag is listed in
/// [`empty_tags`](Self::empty_tags), in which case it is written with length 0 (as foreigner
/// cards do, spec §4.4). Text fields set to `Some("")` are written with length 0 too.
/// Start from [`IdentityBuilder::specimen`] (the spec §4.4 card) or
/// [`Identity::to_builder`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IdentityBuilder {
    /// Tag 00 (written first when set; real cards omit it).
    pub file_structure_version: Option<Vec<u8>>,
    /// Tag 0x01.
    pub card_number: CardNumber,
    /// Tag 0x02.
    pub chip_number: [u8; 16],
    /// Tag 0x03.
    pub validity_begin: CardDate,
    /// Tag 0x04.
    pub validity_end: CardDate,
    /// Tag 0x05.
    pub issuing_municipality: String,
    /// Tag 0x06.
    pub national_number: NationalNumber,
    /// Tag 0x07.
    pub surname: String,
    /// Tag 0x08.
    pub given_names: Option<String>,
    /// Tag 0x09.
    pub first_letter_of_third_given_name: Option<String>,
    /// Tag 0x0A.
    pub nationality: String,
    /// Tag 0x0B.
    pub birth_place: String,
    /// Tag 0x0C, as written on the card (see [`BirthDate::to_card_string`]).
    pub birth_date: String,
    /// Tag 0x0D.
    pub sex: Sex,
    /// Tag 0x0E.
    pub noble_condition: Option<String>,
    /// Tag 0x0F. Its [`code`](DocumentType::code) is written; use
    /// `DocumentType::Other(code)` to write a non-canonical form such as `"01"`.
    pub document_type: DocumentType,
    /// Tag 0x10.
    pub special_status: Option<SpecialStatus>,
    /// Tag 0x11.
    pub photo_hash: Vec<u8>,
    /// Tag 0x12.
    pub duplicate: Option<String>,
    /// Tag 0x13.
    pub special_organisation: Option<SpecialOrganisation>,
    /// Tag 0x14 (written with length 0 when true).
    pub member_of_family: bool,
    /// Tag 0x15 (`dd.MM.yyyy-A2`).
    pub date_and_country_of_protection: Option<String>,
    /// Tag 0x16.
    pub work_permit: Option<WorkPermit>,
    /// Tag 0x17.
    pub employer_vat_1: Option<String>,
    /// Tag 0x18.
    pub employer_vat_2: Option<String>,
    /// Tag 0x19.
    pub regional_file_number: Option<String>,
    /// Tag 0x1A.
    pub basic_key_hash: Option<Vec<u8>>,
    /// Tag 0x1B.
    pub brexit_mention_1: Option<BrexitMention>,
    /// Tag 0x1C.
    pub brexit_mention_2: Option<BrexitMention>,
    /// Tag 0x1D.
    pub card_a_mention_1: Option<CardAMention>,
    /// Tag 0x1E.
    pub card_a_mention_2: Option<CardAMention>,
    /// Tag 0x1F.
    pub eu_start_date: Option<CardDate>,
    /// Optional tags to write with length 0 when their field is `None`.
    pub empty_tags: Vec<IdentityTag>,
    /// Further elements `(tag, value)`, merged in ascending tag order (after a named tag with
    /// the same number). Meant for tags 0x20 and above; other tags are written as given, which
    /// produces files that [`Identity::parse`] rejects (useful for negative tests).
    pub extra_tags: Vec<(u8, Vec<u8>)>,
}

impl IdentityBuilder {
    /// The specimen card of spec §4.4 (re-keyed applet 1.7 test card, 2022): encodes to the
    /// 176 bytes given there.
    pub fn specimen() -> IdentityBuilder {
        let date = CardDate::from_parts_unchecked;
        IdentityBuilder {
            file_structure_version: None,
            card_number: CardNumber::from_ascii12(*b"000001241600"),
            chip_number: [
                0x53, 0x4C, 0x47, 0x90, 0x02, 0x51, 0x00, 0x00, 0x22, 0x39, 0x28, 0x8F, 0x12, 0x92,
                0x03, 0x63,
            ],
            validity_begin: date(2022, 7, 5),
            validity_end: date(2032, 7, 5),
            issuing_municipality: "Brussel".to_owned(),
            national_number: NationalNumber::from_ascii_unchecked(*b"01050399963"),
            surname: "Specimen".to_owned(),
            given_names: Some("Nora Angèle".to_owned()),
            first_letter_of_third_given_name: Some(String::new()),
            nationality: "BELG".to_owned(),
            birth_place: "Leuven".to_owned(),
            birth_date: "03 MEI 2001".to_owned(),
            sex: Sex::FemaleV,
            noble_condition: Some(String::new()),
            document_type: DocumentType::BelgianCitizen,
            special_status: Some(SpecialStatus::NoStatus),
            photo_hash: vec![
                0x47, 0x6A, 0x2C, 0x40, 0x72, 0xF5, 0xFB, 0x07, 0x64, 0x2E, 0x25, 0x6D, 0x5E, 0xDF,
                0xD7, 0x9C, 0x6A, 0x67, 0x5F, 0xC6, 0x92, 0x62, 0xD3, 0x27, 0xF9, 0x97, 0x90, 0x51,
                0x51, 0x7B, 0x08, 0x01,
            ],
            duplicate: None,
            special_organisation: None,
            member_of_family: false,
            date_and_country_of_protection: None,
            work_permit: None,
            employer_vat_1: None,
            employer_vat_2: None,
            regional_file_number: None,
            basic_key_hash: None,
            brexit_mention_1: None,
            brexit_mention_2: None,
            card_a_mention_1: None,
            card_a_mention_2: None,
            eu_start_date: None,
            empty_tags: Vec::new(),
            extra_tags: Vec::new(),
        }
    }

    /// The fields of a parsed identity. Encoding the result reproduces the original file when
    /// it was canonical (ascending tags, no padding, text valid UTF-8), including empty tags
    /// and a `"01"` document type. A mandatory field that did not decode
    /// ([`Identity::field_error`]) takes the [`IdentityBuilder::specimen`] value.
    pub fn from_identity(id: &Identity) -> IdentityBuilder {
        let spec = IdentityBuilder::specimen();
        let text = |tag: u8| id.text(tag).map(str::to_owned);
        let mut chip_number = [0u8; 16];
        if let Ok(c) = <[u8; 16]>::try_from(id.chip_number()) {
            chip_number = c;
        }
        // Keep non-canonical codes ("01") as written.
        let document_type = match id.raw_field(0x0F).and_then(Code::from_bytes) {
            Some(c) if id.document_type.is_ok_and(|d| c != d.code()) => DocumentType::Other(c),
            _ => id.document_type.unwrap_or(spec.document_type),
        };
        let special_status = match id.non_empty_bytes(0x10).and_then(Code::from_bytes) {
            Some(c) if c != id.special_status.code() => Some(SpecialStatus::Other(c)),
            Some(_) => Some(id.special_status),
            None => None,
        };
        let special_organisation = match id.non_empty_bytes(0x13).and_then(Code::from_bytes) {
            Some(c) => match id.special_organisation {
                Some(o) if o.code() == c => Some(o),
                _ => Some(SpecialOrganisation::Other(c)),
            },
            None => None,
        };
        let empty_tags = (0x0Cu8..0x20)
            .filter(|&t| id.raw_field(t).is_some_and(<[u8]>::is_empty))
            .filter(|&t| {
                matches!(
                    t,
                    0x10 | 0x13 | 0x16 | 0x1A | 0x1B | 0x1C | 0x1D | 0x1E | 0x1F
                )
            })
            .map(IdentityTag::from_byte)
            .collect();
        IdentityBuilder {
            file_structure_version: id.file_structure_version().map(<[u8]>::to_vec),
            card_number: id.card_number.unwrap_or(spec.card_number),
            chip_number,
            validity_begin: id.validity_begin.unwrap_or(spec.validity_begin),
            validity_end: id.validity_end.unwrap_or(spec.validity_end),
            issuing_municipality: id.issuing_municipality().to_owned(),
            national_number: id.national_number.unwrap_or(spec.national_number),
            surname: id.surname().to_owned(),
            given_names: text(0x08),
            first_letter_of_third_given_name: text(0x09),
            nationality: id.nationality().to_owned(),
            birth_place: id.birth_place().to_owned(),
            birth_date: id.birth_date_raw().to_owned(),
            sex: id.sex.unwrap_or(spec.sex),
            noble_condition: text(0x0E),
            document_type,
            special_status,
            photo_hash: id.photo_hash().to_vec(),
            duplicate: text(0x12),
            special_organisation,
            member_of_family: id.member_of_family(),
            date_and_country_of_protection: text(0x15),
            work_permit: id.work_permit,
            employer_vat_1: text(0x17),
            employer_vat_2: text(0x18),
            regional_file_number: text(0x19),
            basic_key_hash: id.basic_key_hash().map(<[u8]>::to_vec),
            brexit_mention_1: id.brexit_mentions[0],
            brexit_mention_2: id.brexit_mentions[1],
            card_a_mention_1: id.card_a_mentions[0],
            card_a_mention_2: id.card_a_mentions[1],
            eu_start_date: id.eu_start_date,
            empty_tags,
            extra_tags: id.unknown_tags().map(|(t, v)| (t, v.to_vec())).collect(),
        }
    }

    /// Write the file: tags in ascending order, tag 00 only when set, no padding
    /// (spec §4.1, §4.2; the length rule of [`crate::tlv`]).
    pub fn encode(&self) -> Vec<u8> {
        let empty: Vec<u8> = self.empty_tags.iter().map(|t| t.byte()).collect();
        let mut e = Encoder::new(&self.extra_tags, &empty);
        fn s(v: &Option<String>) -> Option<&[u8]> {
            v.as_deref().map(str::as_bytes)
        }
        e.put_opt(0x00, self.file_structure_version.as_deref());
        e.put(0x01, self.card_number.as_bytes());
        e.put(0x02, &self.chip_number);
        e.put(0x03, self.validity_begin.to_string().as_bytes());
        e.put(0x04, self.validity_end.to_string().as_bytes());
        e.put(0x05, self.issuing_municipality.as_bytes());
        e.put(0x06, self.national_number.as_bytes());
        e.put(0x07, self.surname.as_bytes());
        e.put_opt(0x08, s(&self.given_names));
        e.put_opt(0x09, s(&self.first_letter_of_third_given_name));
        e.put(0x0A, self.nationality.as_bytes());
        e.put(0x0B, self.birth_place.as_bytes());
        e.put(0x0C, self.birth_date.as_bytes());
        e.put(0x0D, self.sex.code().as_bytes());
        e.put_opt(0x0E, s(&self.noble_condition));
        e.put(0x0F, self.document_type.code().as_bytes());
        put_code(&mut e, 0x10, self.special_status.map(|c| c.code()));
        e.put(0x11, &self.photo_hash);
        e.put_opt(0x12, s(&self.duplicate));
        put_code(&mut e, 0x13, self.special_organisation.map(|c| c.code()));
        e.put_opt(0x14, self.member_of_family.then_some(&[][..]));
        e.put_opt(0x15, s(&self.date_and_country_of_protection));
        put_code(&mut e, 0x16, self.work_permit.map(|c| c.code()));
        e.put_opt(0x17, s(&self.employer_vat_1));
        e.put_opt(0x18, s(&self.employer_vat_2));
        e.put_opt(0x19, s(&self.regional_file_number));
        e.put_opt(0x1A, self.basic_key_hash.as_deref());
        for (tag, m) in [(0x1B, self.brexit_mention_1), (0x1C, self.brexit_mention_2)] {
            put_code(&mut e, tag, m.map(|c| c.code()));
        }
        for (tag, m) in [(0x1D, self.card_a_mention_1), (0x1E, self.card_a_mention_2)] {
            put_code(&mut e, tag, m.map(|c| c.code()));
        }
        e.put_opt(
            0x1F,
            self.eu_start_date
                .map(|d| d.to_string())
                .as_deref()
                .map(str::as_bytes),
        );
        e.finish().finish()
    }

    /// Encode and parse: the [`Identity`] this builder describes.
    pub fn build(&self) -> Result<Identity, ParseError> {
        Identity::parse(&self.encode())
    }
}

/// Write a coded field (spec §6); `None` writes nothing (or the empty element the encoder was
/// told to keep).
fn put_code(e: &mut Encoder<'_>, tag: u8, code: Option<Code>) {
    e.put_opt(tag, code.as_ref().map(Code::as_bytes));
}
