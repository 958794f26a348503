//! The cleaning rules, one per module, in the order `Clean` runs them. Each
//! takes the text and returns the new text and what it changed; none of them
//! decides whether its change is too large (see `Clean::guarded`).

pub mod html;
pub mod invisible;
pub mod markers;
pub mod mojibake;
pub mod repeated;
pub mod source_line;
pub mod tatweel;
pub mod title;
pub mod unicode;
pub mod whitespace;
