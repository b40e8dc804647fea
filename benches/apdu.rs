//! APDU build + encode + response decode, and the channel over an instant transport.
//!
//! Baselines measured in the same run: a plain `memcpy` of the same bytes (the floor for any
//! encoder) — report ratios, not absolute times, because these machines are noisy.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use beid::CommandKind;
use beid::apdu::{Command, ResponseRef};
use beid::transport::{Channel, Transport};
use criterion::{Criterion, criterion_group, criterion_main};

/// A transport that answers instantly with a fixed 256-byte chunk and 90 00.
struct Instant {
    answer: Vec<u8>,
}

impl Transport for Instant {
    fn transmit(
        &mut self,
        _command: &[u8],
        response: &mut Vec<u8>,
    ) -> beid::transport::TransportResult {
        response.clear();
        response.extend_from_slice(&self.answer);
        Ok(())
    }
    fn reset(&mut self) -> beid::transport::TransportResult {
        Ok(())
    }
}

fn apdu(c: &mut Criterion) {
    let raw_response: Vec<u8> = [vec![0x5A; 28], vec![0x90, 0x00]].concat();
    let mut g = c.benchmark_group("apdu");
    g.bench_function("baseline_copy_5_bytes_and_split", |b| {
        let src = [0x00u8, 0xB0, 0x01, 0x00, 0x00];
        b.iter(|| {
            let mut buf = [0u8; 5];
            buf.copy_from_slice(black_box(&src));
            let r = black_box(&raw_response[..]);
            let (d, sw) = r.split_at(r.len() - 2);
            black_box((buf, d.len(), sw[0]))
        })
    });
    g.bench_function("read_binary_encode_decode", |b| {
        b.iter(|| {
            let cmd = Command::read_binary(black_box(0x0100), black_box(256));
            let bytes = black_box(cmd.as_bytes());
            let r = ResponseRef::parse(black_box(&raw_response), CommandKind::ReadBinary).unwrap();
            black_box((bytes.len(), r.sw.status(), r.data.len()))
        })
    });
    g.bench_function("select_path_encode_decode", |b| {
        let path = [0xDF, 0x01, 0x40, 0x31];
        let ok = [0x90, 0x00];
        b.iter(|| {
            let cmd = Command::select_path(black_box(&path));
            let r = ResponseRef::parse(black_box(&ok), CommandKind::Select).unwrap();
            black_box((cmd.as_bytes().len(), r.sw.is_success()))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("channel");
    let chunk: Vec<u8> = [vec![0xA5; 256], vec![0x90, 0x00]].concat();
    g.bench_function("baseline_instant_transport_256", |b| {
        let mut t = Instant {
            answer: chunk.clone(),
        };
        let mut out = Vec::with_capacity(512);
        let cmd = Command::read_binary(0, 256);
        b.iter(|| {
            t.transmit(black_box(cmd.as_bytes()), &mut out).unwrap();
            black_box(out.len())
        })
    });
    g.bench_function("channel_read_binary_256", |b| {
        let mut ch = Channel::new(Instant {
            answer: chunk.clone(),
        });
        let mut out = Vec::with_capacity(512);
        b.iter(|| {
            out.clear();
            let sw = ch
                .transmit_into(&Command::read_binary(black_box(0), 256), &mut out)
                .unwrap();
            black_box((sw, out.len()))
        })
    });
    g.finish();
}

criterion_group!(benches, apdu);
criterion_main!(benches);
