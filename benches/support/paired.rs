//! Paired ratio measurement shared by the benches: baseline and candidate alternate in short
//! rounds (the order flips every round so that drift cancels) and the median of the per-round
//! ratios is printed as a `PAIRED` line. On these shared, noisy machines a ratio measured this
//! way is far more stable than two criterion results taken seconds apart.

use std::time::Instant;

/// True when the bench binary is not measuring: criterion's test mode (`cargo test --benches`
/// passes no `--bench`; `cargo bench -- --test`) or `--list`. The paired measurements are then
/// shortened to one call each.
pub(crate) fn quick_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test" || a == "--list")
}

/// Median of a slice (sorted in place); NaN for an empty one.
pub(crate) fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Time `iters` calls of `f`, in nanoseconds per call.
pub(crate) fn time_per_call(iters: u32, f: &mut impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(iters)
}

/// A duration in ns, µs or ms.
pub(crate) fn fmt_ns(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.3} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.3} µs", ns / 1_000.0)
    } else {
        format!("{ns:.1} ns")
    }
}

/// `rounds` rounds of `iters` calls of the baseline and of the candidate. Prints and returns
/// `(median baseline ns, median candidate ns, median per-round ratio)`.
pub(crate) fn paired(
    label: &str,
    rounds: usize,
    iters: u32,
    mut baseline: impl FnMut(),
    mut candidate: impl FnMut(),
) -> (f64, f64, f64) {
    let (rounds, iters) = if quick_mode() {
        (1, 1)
    } else {
        (rounds, iters)
    };
    // Warm both paths.
    time_per_call(iters, &mut baseline);
    time_per_call(iters, &mut candidate);
    let mut b = Vec::with_capacity(rounds);
    let mut c = Vec::with_capacity(rounds);
    let mut r = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (tb, tc) = if round % 2 == 0 {
            let tb = time_per_call(iters, &mut baseline);
            (tb, time_per_call(iters, &mut candidate))
        } else {
            let tc = time_per_call(iters, &mut candidate);
            (time_per_call(iters, &mut baseline), tc)
        };
        b.push(tb);
        c.push(tc);
        r.push(tc / tb);
    }
    let (mb, mc, mr) = (median(&mut b), median(&mut c), median(&mut r));
    println!(
        "PAIRED {label}: baseline {} | candidate {} | ratio {mr:.3}x | difference {} (median of {rounds} rounds x {iters})",
        fmt_ns(mb),
        fmt_ns(mc),
        fmt_ns(mc - mb),
    );
    (mb, mc, mr)
}
