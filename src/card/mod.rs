//! The card protocol layer.
mod file_id;
pub use file_id::{FileId, PathBytes};
/// placeholder
pub struct BeidCard;
/// placeholder
pub struct CardContents;
/// placeholder
pub struct RawCardContents;
/// placeholder
pub struct ReadOptions;
