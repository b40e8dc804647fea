//! The CLI's JSON: built here, field by field, with stable names (README, section "CLI"), and
//! separately from the library's serde (which serializes the national number as data).
//!
//! Unreadable fields are reported on the field as `{"error": "…"}`; the rest of the file still
//! shows (spec §4.2: one odd field never hides a readable file).

use beid::files::{Address, Certificate, Identity};
use beid::{CardContents, CardData, ParseError};
use serde_json::{Value, json};

use crate::time::iso;

/// Upper-case hex.
pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02X}")).collect()
}

fn field<T>(r: Result<T, ParseError>, f: impl FnOnce(T) -> Value) -> Value {
    match r {
        Ok(v) => f(v),
        Err(e) => json!({ "error": e.to_string() }),
    }
}

/// The national number as the user asked: masked (`**.**.**-***.**`) unless revealed.
pub(crate) fn national_number(id: &Identity, reveal: bool) -> Value {
    field(id.national_number(), |n| {
        if reveal {
            Value::from(n.formatted_revealed())
        } else {
            Value::from(n.to_string())
        }
    })
}

/// EF(ID#RN), spec §4.2.
pub(crate) fn identity(id: &Identity, reveal: bool) -> Value {
    json!({
        "card_number": field(id.card_number(), |n| Value::from(n.formatted())),
        "chip_number": hex(id.chip_number()),
        "validity_begin": field(id.validity_begin(), |d| Value::from(d.to_iso())),
        "validity_end": field(id.validity_end(), |d| Value::from(d.to_iso())),
        "issuing_municipality": id.issuing_municipality(),
        "national_number": national_number(id, reveal),
        "surname": id.surname(),
        "given_names": id.given_names(),
        "first_letter_of_third_given_name": id.first_letter_of_third_given_name(),
        "nationality": id.nationality(),
        "birth_place": id.birth_place(),
        "birth_date": id.birth_date().map(|d| d.to_iso()),
        "birth_date_raw": id.birth_date_raw(),
        "sex": field(id.sex(), |s| Value::from(s.description())),
        "noble_condition": id.noble_condition(),
        "document_type": field(id.document_type(), |d| Value::from(d.description())),
        "special_status": format!("{:?}", id.special_status()),
        "duplicate": id.duplicate(),
        "photo_hash": hex(id.photo_hash()),
        "basic_key_hash": id.basic_key_hash().map(hex),
        "unknown_tags": id.unknown_tags()
            .map(|(t, v)| json!({ "tag": t, "value": hex(v) }))
            .collect::<Vec<_>>(),
    })
}

/// EF(ID#Address), spec §4.3.
pub(crate) fn address(a: &Address) -> Value {
    json!({
        "street_and_number": a.street_and_number(),
        "zip": a.zip(),
        "municipality": a.municipality(),
    })
}

/// GET CARD DATA, spec §9.2.
pub(crate) fn card_data(c: &CardData) -> Value {
    json!({
        "serial": hex(c.serial()),
        "applet_version": format!("{:02X}", c.applet_version()),
        "generation": c.generation().to_string(),
        "os_version": c.os_version(),
        "softmask_number": c.softmask_number(),
        "softmask_version": c.softmask_version(),
        "life_cycle": format!("{:?}", c.life_cycle()),
        "pin_tries_left": c.pin_tries_left(),
    })
}

/// A certificate summary. The subject's serialNumber (the holder's national number, spec §5.2)
/// is never shown.
pub(crate) fn certificate(c: &Certificate) -> Value {
    json!({
        "subject_common_name": c.subject_common_name(),
        "issuer_common_name": c.issuer_common_name(),
        "serial_number": hex(c.serial_number()),
        "not_before": iso(c.not_before_unix()),
        "not_after": iso(c.not_after_unix()),
        "key": c.key_kind().to_string(),
    })
}

fn optional_certificate(c: Option<&Certificate>) -> Value {
    c.map_or(Value::Null, certificate)
}

/// Everything `read --json` prints, without the source (so that two reads of the same card
/// through different transports compare equal).
pub(crate) fn contents(c: &CardContents, reveal: bool) -> Value {
    let photo = c.photo();
    json!({
        "generation": c.generation().to_string(),
        "card_data": card_data(c.card_data()),
        "identity": identity(c.identity(), reveal),
        "address": address(c.address()),
        "photo": {
            "bytes": photo.jpeg().len(),
            "width": photo.width(),
            "height": photo.height(),
        },
        "certificates": {
            "authentication": optional_certificate(c.authentication_certificate()),
            "non_repudiation": optional_certificate(c.non_repudiation_certificate()),
            "ca": optional_certificate(c.ca_certificate()),
            "root": optional_certificate(c.root_certificate()),
            "rrn": optional_certificate(c.rrn_certificate()),
        },
    })
}
