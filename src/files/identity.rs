//! placeholder
/// placeholder
#[derive(Debug, Clone)] pub struct Identity;
/// placeholder
#[derive(Debug, Clone)] pub enum IdentityTag {}
