//! Shared by the examples: the card in a PC/SC reader (feature `pcsc`), as a boxed transport
//! and a label saying where it is.

use beid::transport::Transport;

/// The card in `reader`, or in the first reader holding a Belgian eID.
#[cfg(feature = "pcsc")]
pub(crate) fn pcsc_transport(
    reader: Option<&str>,
) -> Result<(Box<dyn Transport + Send>, String), beid::Error> {
    use beid::transport::pcsc::PcscTransport;
    let t = match reader {
        Some(name) => PcscTransport::connect(name)?,
        None => PcscTransport::connect_first()?,
    };
    let label = format!("PC/SC reader \"{}\"", t.reader());
    Ok((Box::new(t), label))
}

/// Without the `pcsc` feature there is no reader.
#[cfg(not(feature = "pcsc"))]
pub(crate) fn pcsc_transport(
    _: Option<&str>,
) -> Result<(Box<dyn Transport + Send>, String), beid::Error> {
    Err(beid::TransportError::NoReader.into())
}
