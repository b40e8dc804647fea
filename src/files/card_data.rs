//! placeholder
/// placeholder
#[derive(Debug, Clone)] pub struct CardData;
/// placeholder
#[derive(Debug, Clone)] pub enum LifeCycle {}
