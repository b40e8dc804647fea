//! Unix seconds ↔ calendar dates (UTC, proleptic Gregorian), for `--at` and the JSON output.

use crate::{Exit, Failure, Result};

/// Days since 1970-01-01 of a calendar date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds.
pub(crate) fn iso(unix: u64) -> String {
    let secs = i64::try_from(unix).unwrap_or(i64::MAX);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

/// Now, in Unix seconds (the CLI is where the clock is read: the library never reads it).
pub(crate) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Parse `--at`: Unix seconds, `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn parse(s: &str) -> Result<u64> {
    let bad = || {
        Failure::new(
            Exit::Usage,
            format!("--at {s:?}: expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or Unix seconds"),
        )
    };
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().map_err(|_| bad());
    }
    if s.len() < 10 {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<u32> {
        s.get(r).and_then(|t| t.parse().ok()).ok_or_else(bad)
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if s.get(4..5) != Some("-") || s.get(7..8) != Some("-") || !(1..=12).contains(&m) {
        return Err(bad());
    }
    if !(1..=31).contains(&d) || y < 1970 {
        return Err(bad());
    }
    let mut secs = days_from_civil(i64::from(y), m, d) * 86_400;
    if s.len() > 10 {
        if s.len() != 20 || s.get(10..11) != Some("T") || !s.ends_with('Z') {
            return Err(bad());
        }
        let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if hh > 23 || mm > 59 || ss > 60 {
            return Err(bad());
        }
        secs += i64::from(hh * 3600 + mm * 60 + ss);
    }
    u64::try_from(secs).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(parse("2026-01-01").ok(), Some(1_767_225_600));
        assert_eq!(parse("2024-02-29T12:30:05Z").ok(), Some(1_709_209_805));
        assert_eq!(iso(1_709_209_805), "2024-02-29T12:30:05Z");
        assert_eq!(parse("1709209805").ok(), Some(1_709_209_805));
        for bad in [
            "2026-13-01",
            "2026/01/01",
            "yesterday",
            "2026-01-01T25:00:00Z",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
