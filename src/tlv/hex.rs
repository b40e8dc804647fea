//! Hex for `Debug` of binary fields and for the `raw` field of serialized files.

/// Lower-case hex, for `Debug` of binary fields.
pub(crate) struct Hex<'a>(pub(crate) &'a [u8]);

impl core::fmt::Debug for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
pub(crate) fn hex_encode(bytes: &[u8]) -> String {
    format!("{:?}", Hex(bytes))
}

#[cfg(feature = "serde")]
pub(crate) fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let b = s.as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    b.chunks_exact(2)
        .map(|pair| match *pair {
            [hi, lo] => Some(nibble(hi)? << 4 | nibble(lo)?),
            _ => None,
        })
        .collect()
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawOnly {
    raw: String,
}

#[cfg(feature = "serde")]
/// Deserialize a TLV file type from its `raw` hex field only, re-parsing it with `parse`
/// (the decoded fields in the input are ignored, so the value is always consistent).
pub(crate) fn from_raw_hex<'de, D, T>(
    d: D,
    parse: impl FnOnce(&[u8]) -> Result<T, crate::error::ParseError>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let r = <RawOnly as serde::Deserialize>::deserialize(d)?;
    let bytes =
        hex_decode(&r.raw).ok_or_else(|| serde::de::Error::custom("`raw` is not a hex string"))?;
    parse(&bytes).map_err(serde::de::Error::custom)
}
