//! errtui: a keyboard-driven terminal UI for Sentry and GitLab error tracking.

pub mod app;
pub mod backend;
pub mod cli;
pub mod config;
pub mod demo;
pub mod dsn;
pub mod link;
pub mod model;
pub mod runtime;
pub mod store;
pub mod text;
pub mod ui;
