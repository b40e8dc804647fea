//! placeholder
/// placeholder
#[derive(Debug, Clone)] pub struct Code;
/// placeholder
#[derive(Debug, Clone)] pub enum DocumentType {}
/// placeholder
#[derive(Debug, Clone)] pub enum Sex {}
/// placeholder
#[derive(Debug, Clone)] pub enum SpecialStatus {}
/// placeholder
#[derive(Debug, Clone)] pub enum SpecialOrganisation {}
/// placeholder
#[derive(Debug, Clone)] pub enum WorkPermit {}
/// placeholder
#[derive(Debug, Clone)] pub enum BrexitMention {}
/// placeholder
#[derive(Debug, Clone)] pub enum CardAMention {}
