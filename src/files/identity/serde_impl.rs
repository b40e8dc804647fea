//! serde for [`Identity`]: the raw bytes plus every decoded field; deserializing re-parses `raw`.

use super::*;
use serde::ser::SerializeStruct;

struct HexBytes<'a>(&'a [u8]);

impl serde::Serialize for HexBytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex_encode(self.0))
    }
}

impl serde::Serialize for Identity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Identity", 35)?;
        st.serialize_field("raw", &HexBytes(self.raw()))?;
        st.serialize_field(
            "file_structure_version",
            &self.file_structure_version().map(HexBytes),
        )?;
        st.serialize_field("card_number", &self.card_number.ok())?;
        st.serialize_field("chip_number", &HexBytes(self.chip_number()))?;
        st.serialize_field("validity_begin", &self.validity_begin.ok())?;
        st.serialize_field("validity_end", &self.validity_end.ok())?;
        st.serialize_field("issuing_municipality", self.issuing_municipality())?;
        st.serialize_field("national_number", &self.national_number.ok())?;
        st.serialize_field("surname", self.surname())?;
        st.serialize_field("given_names", self.given_names())?;
        st.serialize_field(
            "first_letter_of_third_given_name",
            &self.first_letter_of_third_given_name(),
        )?;
        st.serialize_field("nationality", self.nationality())?;
        st.serialize_field("birth_place", self.birth_place())?;
        st.serialize_field("birth_date", &self.birth_date)?;
        st.serialize_field("birth_date_raw", self.birth_date_raw())?;
        st.serialize_field("sex", &self.sex.ok())?;
        st.serialize_field("noble_condition", &self.noble_condition())?;
        st.serialize_field("document_type", &self.document_type.ok())?;
        st.serialize_field("special_status", &self.special_status)?;
        st.serialize_field("photo_hash", &HexBytes(self.photo_hash()))?;
        st.serialize_field("duplicate", &self.duplicate())?;
        st.serialize_field("special_organisation", &self.special_organisation)?;
        st.serialize_field("member_of_family", &self.member_of_family())?;
        st.serialize_field(
            "date_and_country_of_protection",
            &self.date_and_country_of_protection(),
        )?;
        st.serialize_field("work_permit", &self.work_permit)?;
        st.serialize_field("employer_vat_1", &self.employer_vat_1())?;
        st.serialize_field("employer_vat_2", &self.employer_vat_2())?;
        st.serialize_field("regional_file_number", &self.regional_file_number())?;
        st.serialize_field("basic_key_hash", &self.basic_key_hash().map(HexBytes))?;
        st.serialize_field("brexit_mention_1", &self.brexit_mentions[0])?;
        st.serialize_field("brexit_mention_2", &self.brexit_mentions[1])?;
        st.serialize_field("card_a_mention_1", &self.card_a_mentions[0])?;
        st.serialize_field("card_a_mention_2", &self.card_a_mentions[1])?;
        st.serialize_field("eu_start_date", &self.eu_start_date)?;
        // A field in error serializes as `null`; the problems, as text, are listed here.
        let errors: Vec<(u8, String)> = self
            .field_errors
            .iter()
            .map(|(t, e)| (*t, e.to_string()))
            .collect();
        st.serialize_field("field_errors", &errors)?;
        st.end()
    }
}

impl<'de> serde::Deserialize<'de> for Identity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::tlv::hex::from_raw_hex(d, Identity::parse)
    }
}
