//! `Debug` of [`Identity`]: decoded fields, a field in error as its `Err`, the national number
//! masked unless revealed, never the raw bytes.

use super::Identity;
use crate::tlv::hex::Hex;

impl Identity {
    fn fmt_debug(&self, f: &mut core::fmt::Formatter<'_>, reveal: bool) -> core::fmt::Result {
        struct Revealed<'a>(&'a str);
        impl core::fmt::Debug for Revealed<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "NationalNumber({:?})", self.0)
            }
        }
        struct Unknown<'a>(&'a Identity);
        impl core::fmt::Debug for Unknown<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                // Tags and lengths only: values of unknown tags are never printed.
                f.debug_list()
                    .entries(
                        self.0
                            .unknown_tags()
                            .map(|(t, v)| format!("{t:#04x} ({} bytes)", v.len())),
                    )
                    .finish()
            }
        }
        let mut d = f.debug_struct("Identity");
        if let Some(v) = self.file_structure_version() {
            d.field("file_structure_version", &Hex(v));
        }
        d.field("card_number", &self.card_number)
            .field("chip_number", &Hex(self.chip_number()))
            .field("validity_begin", &self.validity_begin)
            .field("validity_end", &self.validity_end)
            .field("issuing_municipality", &self.issuing_municipality());
        if reveal {
            match &self.national_number {
                Ok(n) => d.field("national_number", &Revealed(n.reveal())),
                Err(e) => d.field("national_number", e),
            };
        } else {
            d.field("national_number", &self.national_number);
        }
        d.field("surname", &self.surname())
            .field("given_names", &self.given_names())
            .field(
                "first_letter_of_third_given_name",
                &self.first_letter_of_third_given_name(),
            )
            .field("nationality", &self.nationality())
            .field("birth_place", &self.birth_place())
            .field("birth_date", &self.birth_date)
            .field("birth_date_raw", &self.birth_date_raw())
            .field("sex", &self.sex)
            .field("noble_condition", &self.noble_condition())
            .field("document_type", &self.document_type)
            .field("special_status", &self.special_status)
            .field("photo_hash", &Hex(self.photo_hash()))
            .field("duplicate", &self.duplicate())
            .field("special_organisation", &self.special_organisation)
            .field("member_of_family", &self.member_of_family())
            .field(
                "date_and_country_of_protection",
                &self.date_and_country_of_protection(),
            )
            .field("work_permit", &self.work_permit)
            .field("employer_vat_1", &self.employer_vat_1())
            .field("employer_vat_2", &self.employer_vat_2())
            .field("regional_file_number", &self.regional_file_number())
            .field("basic_key_hash", &self.basic_key_hash().map(Hex))
            .field("brexit_mention_1", &self.brexit_mentions[0])
            .field("brexit_mention_2", &self.brexit_mentions[1])
            .field("card_a_mention_1", &self.card_a_mentions[0])
            .field("card_a_mention_2", &self.card_a_mentions[1])
            .field("eu_start_date", &self.eu_start_date);
        if self.rec.has_unknown() {
            d.field("unknown_tags", &Unknown(self));
        }
        d.finish_non_exhaustive()
    }
}

impl core::fmt::Debug for Identity {
    /// Decoded fields; the national number is masked and the raw bytes are not printed.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.fmt_debug(f, false)
    }
}

/// `Debug` of an [`Identity`] with the national number in clear (see
/// [`Identity::debug_revealing_national_number`]).
#[derive(Clone, Copy)]
pub struct RevealNationalNumber<'a>(pub(super) &'a Identity);

impl core::fmt::Debug for RevealNationalNumber<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt_debug(f, true)
    }
}
