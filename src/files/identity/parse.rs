//! [`Identity::parse`]: the one TLV walk, then each field decoded once; a value of the wrong
//! shape becomes that field's error (spec §4.2), not the file's.

use super::IdentityTag;
use super::tag::TEXT_TAGS;
use super::{Identity, WHAT};
use crate::error::{ParseError, ParseErrorKind};
use crate::files::birth_date::BirthDate;
use crate::files::codes::{
    BrexitMention, CardAMention, Code, DocumentType, Sex, SpecialOrganisation, SpecialStatus,
    WorkPermit,
};
use crate::files::date::CardDate;
use crate::files::numbers::{CardNumber, NationalNumber};
use crate::tlv::record::{Record, collect_fields};

/// Decode a code field; wrong shapes become typed errors at the value's offset.
fn code_at(tag: u8, value: &[u8], offset: usize) -> Result<Code, ParseError> {
    Code::from_bytes(value).ok_or_else(|| {
        let kind = if value.is_empty() || value.len() > Code::MAX_LEN {
            ParseErrorKind::BadValueLength {
                tag,
                len: value.len(),
            }
        } else {
            ParseErrorKind::BadText
        };
        ParseError::new(WHAT, offset, kind)
    })
}

fn date_at(tag: u8, value: &[u8], offset: usize) -> Result<CardDate, ParseError> {
    CardDate::parse(value).map_err(|e| {
        if value.len() != 10 {
            ParseError::new(
                WHAT,
                offset,
                ParseErrorKind::BadValueLength {
                    tag,
                    len: value.len(),
                },
            )
        } else {
            ParseError::new(WHAT, offset + e.offset(), e.kind())
        }
    })
}

fn bad_len(tag: u8, len: usize, offset: usize) -> ParseError {
    ParseError::new(WHAT, offset, ParseErrorKind::BadValueLength { tag, len })
}

/// See [`Identity::parse`].
pub(super) fn parse(bytes: &[u8]) -> Result<Identity, ParseError> {
    let rec = Record::new(bytes, collect_fields::<32>(bytes, WHAT, [])?, TEXT_TAGS);
    let content_len = rec.content_len();
    let span = |tag: u8| rec.span(tag).unwrap_or_default();
    let value = |tag: u8| span(tag).get(bytes);
    let off = |tag: u8| span(tag).offset();
    let has = |tag: u8| rec.has(tag);
    // Present and not empty.
    let optional = |tag: u8| Some(value(tag)).filter(|v| has(tag) && !v.is_empty());
    // A missing mandatory tag is that field's error, at the end of the content.
    let missing = |tag: u8| ParseError::new(WHAT, content_len, ParseErrorKind::Missing { tag });
    let mut field_errors: Vec<(u8, ParseError)> = IdentityTag::MANDATORY
        .iter()
        .map(|t| t.byte())
        .filter(|t| !has(*t))
        .map(|t| (t, missing(t)))
        .collect();
    // Binary mandatory fields: a chip number of 16 bytes, a photo hash that is not empty.
    for (tag, ok) in [
        (0x02u8, value(0x02).len() == 16),
        (0x11, !value(0x11).is_empty()),
    ] {
        if has(tag) && !ok {
            field_errors.push((tag, bad_len(tag, value(tag).len(), off(tag))));
        }
    }
    // A typed mandatory field: its value and offset, or the `Missing` error.
    let typed = |tag: u8| {
        if has(tag) {
            Ok((value(tag), off(tag)))
        } else {
            Err(missing(tag))
        }
    };

    let card_number = typed(0x01).and_then(|(v, o)| {
        CardNumber::from_bytes(v).ok_or_else(|| {
            if v.is_empty() || v.len() > 12 {
                bad_len(0x01, v.len(), o)
            } else {
                ParseError::new(WHAT, o, ParseErrorKind::BadText)
            }
        })
    });
    let validity_begin = typed(0x03).and_then(|(v, o)| date_at(0x03, v, o));
    let validity_end = typed(0x04).and_then(|(v, o)| date_at(0x04, v, o));
    let national_number = typed(0x06).and_then(|(v, o)| {
        NationalNumber::from_digits(v).ok_or_else(|| {
            match v.iter().position(|b| !b.is_ascii_digit()) {
                Some(i) if v.len() == 11 => ParseError::new(WHAT, o + i, ParseErrorKind::BadText),
                _ => bad_len(0x06, v.len(), o),
            }
        })
    });
    let birth_date = BirthDate::parse_bytes(value(0x0C)).ok();
    let sex = typed(0x0D).and_then(|(v, o)| code_at(0x0D, v, o).map(Sex::from_code));
    let document_type =
        typed(0x0F).and_then(|(v, o)| code_at(0x0F, v, o).map(DocumentType::from_code));
    for (tag, result) in [
        (0x01, card_number.err()),
        (0x03, validity_begin.err()),
        (0x04, validity_end.err()),
        (0x06, national_number.err()),
        (0x0D, sex.err()),
        (0x0F, document_type.err()),
    ] {
        if let Some(e) = result {
            field_errors.push((tag, e));
        }
    }
    // Optional fields: a value of the wrong shape reads as absent and is reported in
    // `field_errors`.
    let mut opt = |tag: u8| -> Option<Code> {
        match optional(tag).map(|v| code_at(tag, v, off(tag))) {
            Some(Ok(c)) => Some(c),
            Some(Err(e)) => {
                field_errors.push((tag, e));
                None
            }
            None => None,
        }
    };
    let special_status = opt(0x10).map(SpecialStatus::from_code).unwrap_or_default();
    let special_organisation = opt(0x13).map(SpecialOrganisation::from_code);
    let work_permit = opt(0x16).map(WorkPermit::from_code);
    let brexit_mentions = [
        opt(0x1B).map(BrexitMention::from_code),
        opt(0x1C).map(BrexitMention::from_code),
    ];
    let card_a_mentions = [
        opt(0x1D).map(CardAMention::from_code),
        opt(0x1E).map(CardAMention::from_code),
    ];
    let eu_start_date = match optional(0x1F).map(|v| date_at(0x1F, v, off(0x1F))) {
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            field_errors.push((0x1F, e));
            None
        }
        None => None,
    };
    // Stable: a missing tag's error (pushed first) stays, its repetition goes.
    field_errors.sort_by_key(|(t, _)| *t);
    field_errors.dedup_by_key(|(t, _)| *t);

    Ok(Identity {
        rec,
        card_number,
        validity_begin,
        validity_end,
        national_number,
        birth_date,
        sex,
        document_type,
        field_errors,
        special_status,
        special_organisation,
        work_permit,
        brexit_mentions,
        card_a_mentions,
        eu_start_date,
    })
}
