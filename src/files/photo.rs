//! placeholder
/// placeholder
#[derive(Debug, Clone)] pub struct Photo;
