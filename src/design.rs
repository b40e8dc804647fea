//! Design notes (placeholder, being written).
