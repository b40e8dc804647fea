//! EF(ID#Photo) `3F00 DF01 4035`: the holder's photo, a JPEG (spec §2.1, §2.2, §7.4).
//!
//! About 2.6–3.5 KB, 140×200 (150×195 from 2021) 8-bit greyscale (spec §2.2). Identity tag
//! `0x11` holds a hash of the complete file (spec §7.4), so [`Photo::raw`] keeps the bytes
//! exactly as read.

use crate::error::{ParseError, ParseErrorKind, Parsed};
use crate::vocab::FileId;

const WHAT: Parsed = Parsed::File(FileId::Photo);

/// Why [`scan`] stopped before EOI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ScanError {
    /// The data ends before EOI.
    Incomplete,
    /// Not a JPEG structure at this offset.
    Invalid(usize),
}

/// Result of walking a JPEG: the offset just past EOI (or why it was not reached) and the
/// dimensions of the first SOFn segment seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Scan {
    end: Result<usize, ScanError>,
    /// (width, height).
    size: Option<(u16, u16)>,
}

/// True for the start-of-frame markers SOF0–SOF15 (`C0`–`CF` without DHT `C4`, JPG `C8` and
/// DAC `CC`).
const fn is_sof(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    match data.get(at..at + 2) {
        Some(&[a, b]) => Some(u16::from_be_bytes([a, b])),
        _ => None,
    }
}

/// Skip entropy-coded data starting at `pos`: return the offset of the `FF` that starts the
/// next marker. `FF 00` (stuffed byte), `FF D0`..`FF D7` (restart markers) and `FF` fill bytes
/// are part of the scan.
fn skip_entropy(data: &[u8], mut pos: usize) -> Result<usize, ScanError> {
    loop {
        let rest = data.get(pos..).ok_or(ScanError::Incomplete)?;
        let ff = rest
            .iter()
            .position(|b| *b == 0xFF)
            .ok_or(ScanError::Incomplete)?;
        let at = pos + ff;
        let mut next = at + 1;
        while data.get(next) == Some(&0xFF) {
            next += 1;
        }
        match data.get(next) {
            None => return Err(ScanError::Incomplete),
            Some(0x00 | 0xD0..=0xD7) => pos = next + 1,
            Some(_) => return Ok(at),
        }
    }
}

/// Walk the JPEG marker structure of `data` (spec §2.2 photo): SOI, then marker segments with
/// their lengths; after each SOS the entropy-coded data up to the next marker; stop at EOI.
fn scan(data: &[u8]) -> Scan {
    let mut size = None;
    let end = walk(data, &mut size, false);
    Scan { end, size }
}

/// Width and height from the first SOFn segment, walking only the segments before it (the
/// entropy-coded data after SOS is not scanned unless SOFn comes later).
fn dimensions(data: &[u8]) -> Option<(u16, u16)> {
    let mut size = None;
    let _ = walk(data, &mut size, true);
    size
}

/// Walk the marker structure. With `stop_at_size`, return as soon as the SOFn segment gave the
/// image size (the returned offset is then that segment's end, not the EOI).
fn walk(
    data: &[u8],
    size: &mut Option<(u16, u16)>,
    stop_at_size: bool,
) -> Result<usize, ScanError> {
    match data.get(..2) {
        Some([0xFF, 0xD8]) => {}
        Some(_) => return Err(ScanError::Invalid(0)),
        None if data.is_empty() || data == [0xFF] => return Err(ScanError::Incomplete),
        None => return Err(ScanError::Invalid(0)),
    }
    let mut pos = 2usize;
    loop {
        match data.get(pos) {
            None => return Err(ScanError::Incomplete),
            Some(0xFF) => {}
            Some(_) => return Err(ScanError::Invalid(pos)),
        }
        // Any number of FF fill bytes may precede a marker.
        let mut m = pos + 1;
        while data.get(m) == Some(&0xFF) {
            m += 1;
        }
        let marker = *data.get(m).ok_or(ScanError::Incomplete)?;
        let after = m + 1;
        match marker {
            0xD9 => return Ok(after),
            0x00 | 0xD8 => return Err(ScanError::Invalid(pos)),
            // Stand-alone markers: TEM and RSTn.
            0x01 | 0xD0..=0xD7 => pos = after,
            _ => {
                let len = usize::from(be16(data, after).ok_or(ScanError::Incomplete)?);
                if len < 2 {
                    return Err(ScanError::Invalid(after));
                }
                if is_sof(marker) && size.is_none() {
                    // Lf(2) P(1) Y(2) X(2) …
                    if len < 7 {
                        return Err(ScanError::Invalid(after));
                    }
                    let height = be16(data, after + 3).ok_or(ScanError::Incomplete)?;
                    let width = be16(data, after + 5).ok_or(ScanError::Incomplete)?;
                    *size = Some((width, height));
                    if stop_at_size {
                        return Ok(after + len);
                    }
                }
                pos = after + len;
                if pos > data.len() {
                    return Err(ScanError::Incomplete);
                }
                if marker == 0xDA {
                    pos = skip_entropy(data, pos)?;
                }
            }
        }
    }
}

/// Length of the JPEG image at the start of `data`: the offset just past its EOI marker
/// (`FF D9`), found by walking the JPEG structure (marker segments by their lengths up to SOS,
/// then entropy-coded data in which `FF 00` and `FF D0`..`FF D7` are not markers).
///
/// Returns `None` when `data` does not start with SOI (`FF D8`), is not a valid marker
/// structure, or ends before the image does. The read path calls it on the bytes read so far to
/// stop reading EF(ID#Photo) exactly at the end of the image, without probing past the end of
/// the file (spec §2.2, §3.2).
pub fn jpeg_len(data: &[u8]) -> Option<usize> {
    scan(data).end.ok()
}

/// The holder's photo (EF(ID#Photo), spec §2.1, §2.2): a JPEG, possibly followed by zero
/// padding.
///
/// With the `serde` feature it serializes as the file bytes and deserializes by parsing them.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "Vec<u8>", into = "Vec<u8>"))]
pub struct Photo {
    raw: Vec<u8>,
    jpeg_len: usize,
    size: Option<(u16, u16)>,
}

impl Photo {
    /// Parse the content of EF(ID#Photo).
    ///
    /// The file must start with SOI (`FF D8`) and, once trailing zero bytes are removed, end
    /// with EOI (`FF D9`); [`jpeg`](Self::jpeg) is that trimmed image, [`raw`](Self::raw) the
    /// file as read (the input of the photo hash, spec §7.4). The marker structure is walked
    /// only to find the dimensions; a photo whose structure this walk does not understand is
    /// still accepted when its first and last bytes are right, so an unusual encoder never
    /// makes a genuine card unreadable.
    ///
    /// Errors use `Parsed::File(FileId::Photo)`: [`ParseErrorKind::Empty`] (empty or only zero
    /// bytes), [`ParseErrorKind::BadFormat`] (no SOI at offset 0; or data other than zero bytes
    /// after the image, at the offset where the walk found EOI or the structure broke),
    /// [`ParseErrorKind::Truncated`] (the image ends without EOI; offset = end of the data).
    pub fn parse(data: &[u8]) -> Result<Photo, ParseError> {
        let trimmed_len = data
            .iter()
            .rposition(|b| *b != 0)
            .map_or(0, |last| last + 1);
        if trimmed_len == 0 {
            return Err(ParseError::new(WHAT, 0, ParseErrorKind::Empty));
        }
        if data.get(..2) != Some(&[0xFF, 0xD8][..]) {
            return Err(ParseError::new(WHAT, 0, ParseErrorKind::BadFormat));
        }
        let trimmed = data.get(..trimmed_len).unwrap_or(data);
        if trimmed_len < 4 || !trimmed.ends_with(&[0xFF, 0xD9]) {
            // Only on failure is the whole structure walked, to say where it breaks.
            return Err(match scan(data).end {
                Ok(end) => ParseError::new(WHAT, end, ParseErrorKind::BadFormat),
                Err(ScanError::Invalid(at)) => ParseError::new(WHAT, at, ParseErrorKind::BadFormat),
                Err(ScanError::Incomplete) => {
                    ParseError::new(WHAT, trimmed_len, ParseErrorKind::Truncated { needed: 2 })
                }
            });
        }
        Ok(Photo {
            raw: data.to_vec(),
            jpeg_len: trimmed_len,
            size: dimensions(data),
        })
    }

    /// The file content as read, padding included (hash input, spec §7.4).
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The JPEG image, from SOI to EOI (trailing zero padding removed).
    pub fn jpeg(&self) -> &[u8] {
        self.raw.get(..self.jpeg_len).unwrap_or(&self.raw)
    }

    /// Width in pixels, from the first SOFn segment (SOF0 baseline, SOF2 progressive, …).
    pub fn width(&self) -> Option<u16> {
        self.size.map(|(w, _)| w)
    }

    /// Height in pixels, from the first SOFn segment.
    pub fn height(&self) -> Option<u16> {
        self.size.map(|(_, h)| h)
    }
}

impl core::fmt::Debug for Photo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Photo")
            .field("jpeg_len", &self.jpeg_len)
            .field("file_len", &self.raw.len())
            .field("width", &self.width())
            .field("height", &self.height())
            .finish()
    }
}

impl TryFrom<Vec<u8>> for Photo {
    type Error = ParseError;

    /// Parse with [`Photo::parse`].
    fn try_from(bytes: Vec<u8>) -> Result<Self, ParseError> {
        Photo::parse(&bytes)
    }
}

impl From<Photo> for Vec<u8> {
    /// The file content ([`Photo::raw`]).
    fn from(photo: Photo) -> Vec<u8> {
        photo.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A complete, decodable 8×8 greyscale baseline JPEG built by hand: quantisation table of
    /// ones, one-code Huffman tables (DC category 0, AC end-of-block), so the single block is
    /// encoded in two bits `00` padded with ones (`3F`).
    fn tiny_grey(width: u16, height: u16) -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        // APP0 JFIF.
        j.extend_from_slice(&[
            0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
            0x00, 0x01, 0x00, 0x00,
        ]);
        // DQT table 0, 8-bit, all ones.
        j.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
        j.extend_from_slice(&[1; 64]);
        // SOF0: 8-bit precision, Y, X, one component (id 1, 1×1 sampling, table 0).
        j.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 0x08]);
        j.extend_from_slice(&height.to_be_bytes());
        j.extend_from_slice(&width.to_be_bytes());
        j.extend_from_slice(&[0x01, 0x01, 0x11, 0x00]);
        // DHT DC 0 and AC 0: one code of length 1 for symbol 00.
        for class in [0x00, 0x10] {
            j.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, class, 0x01]);
            j.extend_from_slice(&[0; 15]);
            j.push(0x00);
        }
        // SOS: one component, tables 0/0, Ss=0, Se=63, Ah/Al=0.
        j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
        j.push(0x3F);
        j.extend_from_slice(&[0xFF, 0xD9]);
        j
    }

    /// A structurally valid JPEG whose scans exercise stuffed bytes, restart markers, fill
    /// bytes, a second scan (progressive), a DHT between scans, a COM with `FF D9` inside and a
    /// zero-length-data APPn.
    fn tricky() -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        j.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x06, 0xFF, 0xD9, 0xFF, 0xD9]); // COM
        j.extend_from_slice(&[0xFF, 0xE1, 0x00, 0x02]); // empty APP1
        j.extend_from_slice(&[0xFF, 0xDD, 0x00, 0x04, 0x00, 0x01]); // DRI
        j.extend_from_slice(&[
            0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x00, 0xC3, 0x00, 0x96, 0x01, 0x01, 0x11, 0x00,
        ]); // SOF2 150×195
        j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00]);
        j.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD7, 0xFF]);
        j.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x03, 0x10]); // fill byte then DHT
        j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x01, 0x3F, 0x00]);
        j.extend_from_slice(&[0xAA, 0xFF, 0x00, 0xFF, 0x00, 0x00, 0x00]);
        j.extend_from_slice(&[0xFF, 0xD9]);
        j
    }

    #[test]
    fn tiny_jpeg() {
        let j = tiny_grey(8, 8);
        assert_eq!(jpeg_len(&j), Some(j.len()));
        let p = Photo::parse(&j).unwrap();
        assert_eq!(p.jpeg(), &j[..]);
        assert_eq!(p.raw(), &j[..]);
        assert_eq!((p.width(), p.height()), (Some(8), Some(8)));
        let j = tiny_grey(140, 200);
        let p = Photo::parse(&j).unwrap();
        assert_eq!((p.width(), p.height()), (Some(140), Some(200)));
    }

    #[test]
    fn tricky_structure() {
        let j = tricky();
        assert_eq!(jpeg_len(&j), Some(j.len()));
        let p = Photo::parse(&j).unwrap();
        assert_eq!((p.width(), p.height()), (Some(150), Some(195)));
    }

    #[test]
    fn jpeg_len_is_none_until_complete() {
        for j in [tiny_grey(8, 8), tricky()] {
            for len in 0..j.len() {
                assert_eq!(jpeg_len(&j[..len]), None, "len {len}");
            }
            // Extra bytes after EOI (padding, or reading past the image) are not counted.
            let mut padded = j.clone();
            padded.extend_from_slice(&[0; 100]);
            assert_eq!(jpeg_len(&padded), Some(j.len()));
            padded.truncate(j.len());
            padded.extend_from_slice(&[0xFF, 0xD8, 0x12]);
            assert_eq!(jpeg_len(&padded), Some(j.len()));
        }
    }

    #[test]
    fn jpeg_len_invalid() {
        assert_eq!(jpeg_len(&[0xFF, 0xD9]), None);
        assert_eq!(jpeg_len(&[0x00, 0xD8, 0xFF, 0xD9]), None);
        assert_eq!(jpeg_len(&[0xFF, 0xD8, 0x12, 0xFF, 0xD9]), None);
        assert_eq!(jpeg_len(&[0xFF, 0xD8, 0xFF, 0x00, 0xFF, 0xD9]), None);
        assert_eq!(
            jpeg_len(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF, 0xD9]),
            None
        );
        assert_eq!(scan(&[0xFF, 0xD8, 0x12]).end, Err(ScanError::Invalid(2)));
        assert_eq!(scan(&[0xFF]).end, Err(ScanError::Incomplete));
        assert_eq!(scan(&[0xFF, 0xD8, 0xFF]).end, Err(ScanError::Incomplete));
        // SOI, EOI only.
        assert_eq!(jpeg_len(&[0xFF, 0xD8, 0xFF, 0xD9]), Some(4));
        // Fill bytes before a marker.
        assert_eq!(jpeg_len(&[0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xD9]), Some(6));
    }

    #[test]
    fn padding_is_tolerated() {
        let j = tiny_grey(140, 200);
        let mut file = j.clone();
        file.resize(j.len() + 500, 0);
        let p = Photo::parse(&file).unwrap();
        assert_eq!(p.jpeg(), &j[..]);
        assert_eq!(p.raw(), &file[..]);
        assert_eq!(p.width(), Some(140));
    }

    #[test]
    fn errors() {
        let what = Parsed::File(FileId::Photo);
        for empty in [&[][..], &[0u8; 3000][..]] {
            assert_eq!(
                Photo::parse(empty).unwrap_err(),
                ParseError::new(what, 0, ParseErrorKind::Empty)
            );
        }
        assert_eq!(
            Photo::parse(b"GIF89a").unwrap_err(),
            ParseError::new(what, 0, ParseErrorKind::BadFormat)
        );
        let j = tiny_grey(8, 8);
        // Cut anywhere after SOI: truncated (the walk needs more data) — never a panic.
        for len in 2..j.len() {
            let err = Photo::parse(&j[..len]).unwrap_err();
            assert_eq!(err.what(), what);
            let ends_with_zero = j[len - 1] == 0;
            if !ends_with_zero {
                assert_eq!(
                    err,
                    ParseError::new(what, len, ParseErrorKind::Truncated { needed: 2 }),
                    "len {len}"
                );
            }
        }
        // Garbage after EOI.
        let mut g = j.clone();
        g.extend_from_slice(&[0x00, 0x42, 0x00]);
        assert_eq!(
            Photo::parse(&g).unwrap_err(),
            ParseError::new(what, j.len(), ParseErrorKind::BadFormat)
        );
        // Broken structure without EOI at the end.
        let mut b = j.clone();
        b[2] = 0x12;
        b.truncate(b.len() - 2);
        assert_eq!(
            Photo::parse(&b).unwrap_err(),
            ParseError::new(what, 2, ParseErrorKind::BadFormat)
        );
    }

    #[test]
    fn lenient_on_unknown_structure() {
        // Starts with SOI and ends with EOI, but the walk does not understand the middle.
        let data = [0xFF, 0xD8, 0x12, 0x34, 0xFF, 0xD9, 0x00, 0x00];
        let p = Photo::parse(&data).unwrap();
        assert_eq!(p.jpeg(), &data[..6]);
        assert_eq!(p.width(), None);
        assert_eq!(jpeg_len(&data), None);
    }

    #[test]
    fn mutations_never_panic() {
        let j = tricky();
        for i in 0..j.len() {
            for b in [0x00u8, 0x01, 0x02, 0x7F, 0xC0, 0xD0, 0xD9, 0xDA, 0xFF] {
                let mut d = j.clone();
                d[i] = b;
                let _ = Photo::parse(&d);
                let _ = jpeg_len(&d);
            }
        }
    }

    #[test]
    fn debug_is_short() {
        let p = Photo::parse(&tiny_grey(8, 8)).unwrap();
        let dbg = format!("{p:?}");
        assert!(dbg.contains("width: Some(8)"), "{dbg}");
        assert!(dbg.len() < 120, "{dbg}");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_roundtrip() {
        let p = Photo::parse(&tiny_grey(8, 8)).unwrap();
        let back: Photo = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
        assert!(serde_json::from_str::<Photo>("[1,2,3]").is_err());
    }
}
