//! Parsers: identity (spec §4.4 worked example), address, TLV walk, card data, certificate.
//!
//! Baseline in the same run: copying the file into a fresh `Vec` (the one allocation every owned
//! parse needs) — report parse time as a ratio against it.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

const IDENTITY_HEX: &str = "010c3030303030313234313630300210534c4790025100002239288f12920363030a30352e30372e32303232040a30352e30372e3230333205074272757373656c060b3031303530333939393633070853706563696d656e080c4e6f726120416e67c3a86c6509000a0442454c470b064c657576656e0c0b3033204d454920323030310d01560e000f01311001301120476a2c4072f5fb07642e256d5edfd79c6a675fc69262d327f9979051517b0801";

fn parse(c: &mut Criterion) {
    let identity = unhex(IDENTITY_HEX);
    let mut address = Vec::new();
    beid::tlv::encode(&mut address, 1, b"Specimenstraat 12");
    beid::tlv::encode(&mut address, 2, b"1000");
    beid::tlv::encode(&mut address, 3, b"Brussel");
    address.resize(121, 0);
    let mut card_data = unhex("534c494e336600296cff27ab12345678");
    card_data.extend_from_slice(&unhex(
        "a50301010117000300210 10f".replace(' ', "").as_str(),
    ));

    let mut g = c.benchmark_group("parse");
    g.bench_function("baseline_copy_identity_to_vec", |b| {
        b.iter(|| black_box(black_box(&identity[..]).to_vec()))
    });
    g.bench_function("identity_worked_example", |b| {
        b.iter(|| black_box(beid::Identity::parse(black_box(&identity)).unwrap()))
    });
    g.bench_function("address", |b| {
        b.iter(|| black_box(beid::Address::parse(black_box(&address)).unwrap()))
    });
    g.bench_function("tlv_walk_identity", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for t in beid::tlv::iter(black_box(&identity)) {
                n += t.unwrap().value.len();
            }
            black_box(n)
        })
    });
    g.bench_function("card_data", |b| {
        b.iter(|| black_box(beid::CardData::parse(black_box(&card_data)).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
