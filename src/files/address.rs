//! placeholder
/// placeholder
#[derive(Debug, Clone)]
pub struct Address;
