//! Application state and its pure update: messages in, state changes and effects out. No IO.
//! `update` routes; each pane has its own handler module.

pub mod client_keys;
pub mod commands;
pub mod error_view;
pub mod investigate;
pub mod keymap;
pub mod list;
pub mod menu;
pub mod msg;
pub mod overlay;
pub mod resource;
pub mod rotation;
pub mod settings;
pub mod share;
pub mod state;
pub mod triage;
pub mod update;
pub mod watching;

pub use msg::{Effect, Msg};
pub use state::App;
pub use update::update;
