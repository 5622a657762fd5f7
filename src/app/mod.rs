//! Application state and its pure update: messages in, state changes and effects out. No IO.

pub mod keymap;
pub mod keys;
pub mod msg;
pub mod state;
pub mod update;

pub use msg::{Effect, Msg};
pub use state::App;
pub use update::update;
