//! Response APDUs: data followed by the status word.

use zeroize::Zeroize;

use crate::error::{CardError, ProtocolViolation, Result};
use crate::vocab::{CommandKind, Status, StatusWord};

/// A borrowed view of a response APDU (no allocation). Obtained with [`ResponseRef::parse`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ResponseRef<'a> {
    /// Response data (without the status word).
    pub data: &'a [u8],
    /// The status word.
    pub sw: StatusWord,
}

impl<'a> ResponseRef<'a> {
    /// Split raw response bytes into data and status word. Fewer than two bytes is an error.
    #[inline]
    pub fn parse(raw: &'a [u8], command: CommandKind) -> Result<Self> {
        match raw {
            [data @ .., sw1, sw2] => Ok(ResponseRef {
                data,
                sw: StatusWord::new(*sw1, *sw2),
            }),
            _ => Err(CardError::Protocol {
                command,
                violation: ProtocolViolation::ResponseTooShort { len: raw.len() },
            }
            .into()),
        }
    }

    /// The meaning of the status word.
    #[inline]
    pub fn status(&self) -> Status {
        self.sw.status()
    }
}

impl core::fmt::Debug for ResponseRef<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ResponseRef")
            .field("data_len", &self.data.len())
            .field("sw", &self.sw)
            .finish()
    }
}

/// An owned response: data (zeroized on drop) and status word.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    data: Vec<u8>,
    sw: StatusWord,
}

impl Response {
    /// Build from data and status word.
    pub fn new(data: Vec<u8>, sw: StatusWord) -> Self {
        Response { data, sw }
    }

    /// The response data.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Take the data out (the caller becomes responsible for wiping it).
    pub fn into_data(mut self) -> Vec<u8> {
        core::mem::take(&mut self.data)
    }

    /// The status word.
    pub fn sw(&self) -> StatusWord {
        self.sw
    }

    /// The meaning of the status word.
    pub fn status(&self) -> Status {
        self.sw.status()
    }

    /// `Ok(self)` on `90 00`, otherwise [`CardError::Status`] naming `command`.
    pub fn success(self, command: CommandKind) -> Result<Self> {
        if self.sw.is_success() {
            Ok(self)
        } else {
            Err(CardError::Status {
                command,
                sw: self.sw,
            }
            .into())
        }
    }
}

impl Drop for Response {
    fn drop(&mut self) {
        self.data.zeroize();
    }
}

impl core::fmt::Debug for Response {
    /// Shows the length and status word only: response data can be personal.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Response")
            .field("data_len", &self.data.len())
            .field("sw", &self.sw)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_splits_status() {
        let r = ResponseRef::parse(&[1, 2, 0x90, 0x00], CommandKind::ReadBinary).unwrap();
        assert_eq!(r.data, &[1, 2]);
        assert!(r.sw.is_success());
        let r = ResponseRef::parse(&[0x6B, 0x00], CommandKind::ReadBinary).unwrap();
        assert!(r.data.is_empty());
        assert_eq!(r.status(), Status::WrongParameters);
        assert!(matches!(
            ResponseRef::parse(&[0x90], CommandKind::ReadBinary),
            Err(crate::Error::Card(CardError::Protocol {
                violation: ProtocolViolation::ResponseTooShort { len: 1 },
                ..
            }))
        ));
    }
}
