//! The counter's encrypted case store (being written).
