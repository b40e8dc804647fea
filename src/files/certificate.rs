//! placeholder
/// placeholder
#[derive(Debug, Clone)] pub struct Certificate;
/// placeholder
#[derive(Debug, Clone)] pub enum KeyKind {}
