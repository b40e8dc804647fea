//! placeholder
/// placeholder
#[derive(Debug, Clone)]
pub struct BirthDate;
/// placeholder
#[derive(Debug, Clone)]
pub enum MonthLanguage {}
