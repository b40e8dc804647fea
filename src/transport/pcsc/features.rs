//! PC/SC part 10 reader features (spec §13.5): the answer to
//! `SCardControl(CCID_IOCTL_GET_FEATURE_REQUEST)`, a list of `tag 04 <control code, 4 bytes
//! big-endian>` records.

/// `CCID_IOCTL_GET_FEATURE_REQUEST` = `SCARD_CTL_CODE(3400)` (eid-mw `pinpad2.h`).
pub(crate) const GET_FEATURE_REQUEST: u32 = 3400;

/// A PC/SC part 10 feature tag (spec §13.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Feature {
    /// `01` FEATURE_VERIFY_PIN_START.
    VerifyPinStart,
    /// `02` FEATURE_VERIFY_PIN_FINISH.
    VerifyPinFinish,
    /// `03` FEATURE_MODIFY_PIN_START.
    ModifyPinStart,
    /// `04` FEATURE_MODIFY_PIN_FINISH.
    ModifyPinFinish,
    /// `05` FEATURE_GET_KEY_PRESSED.
    GetKeyPressed,
    /// `06` FEATURE_VERIFY_PIN_DIRECT.
    VerifyPinDirect,
    /// `07` FEATURE_MODIFY_PIN_DIRECT.
    ModifyPinDirect,
    /// Any other tag, kept as data.
    Other(u8),
}

impl Feature {
    /// The feature of a tag byte.
    pub const fn from_tag(tag: u8) -> Self {
        match tag {
            0x01 => Feature::VerifyPinStart,
            0x02 => Feature::VerifyPinFinish,
            0x03 => Feature::ModifyPinStart,
            0x04 => Feature::ModifyPinFinish,
            0x05 => Feature::GetKeyPressed,
            0x06 => Feature::VerifyPinDirect,
            0x07 => Feature::ModifyPinDirect,
            other => Feature::Other(other),
        }
    }
}

/// The features a reader announced, with their control codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReaderFeatures {
    entries: Vec<(Feature, u32)>,
}

impl ReaderFeatures {
    /// Read a feature list. Records whose length is not 4 are skipped; a truncated tail ends
    /// the list (what was complete is kept).
    pub fn parse(bytes: &[u8]) -> Self {
        let mut entries = Vec::new();
        let mut rest = bytes;
        while let [tag, len, tail @ ..] = rest {
            let len = usize::from(*len);
            let Some(value) = tail.get(..len) else {
                break;
            };
            if let Ok(code) = <[u8; 4]>::try_from(value) {
                entries.push((Feature::from_tag(*tag), u32::from_be_bytes(code)));
            }
            rest = tail.get(len..).unwrap_or(&[]);
        }
        ReaderFeatures { entries }
    }

    /// The control code of `feature`, when the reader has it.
    pub fn control_code(&self, feature: Feature) -> Option<u32> {
        self.entries
            .iter()
            .find(|(f, _)| *f == feature)
            .map(|(_, c)| *c)
    }

    /// Every feature announced.
    pub fn features(&self) -> impl Iterator<Item = Feature> + '_ {
        self.entries.iter().map(|(f, _)| *f)
    }

    /// A reader that announced nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_feature_list() {
        // A typical pcsc-lite CCID answer: VERIFY_PIN_DIRECT, MODIFY_PIN_DIRECT, tag 0A, 12.
        let bytes = [
            0x06, 0x04, 0x42, 0x33, 0x00, 0x06, 0x07, 0x04, 0x42, 0x33, 0x00, 0x07, 0x0A, 0x04,
            0x42, 0x00, 0x00, 0x01, 0x12, 0x04, 0x42, 0x33, 0x00, 0x12, 0x13, 0x02, 0x00,
        ];
        let f = ReaderFeatures::parse(&bytes);
        assert_eq!(f.control_code(Feature::VerifyPinDirect), Some(0x4233_0006));
        assert_eq!(f.control_code(Feature::ModifyPinDirect), Some(0x4233_0007));
        assert_eq!(f.control_code(Feature::Other(0x12)), Some(0x4233_0012));
        assert_eq!(f.features().count(), 4, "the truncated tail is dropped");
        assert!(ReaderFeatures::parse(&[]).is_empty());
        assert!(ReaderFeatures::parse(&[0x06]).is_empty());
    }
}
