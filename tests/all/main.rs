//! One integration-test binary (faster to link than many): backend, update, snapshots, CLI.

mod cli;
mod combined;
mod common;
mod config;
mod core;
mod demo_server;
mod doctor;
mod gitlab_backend;
mod glitchtip;
mod hostile;
mod investigate;
mod keys;
mod pty;
mod sentry_backend;
mod snapshots;
mod store;
mod triage;
mod triage_api;
mod update;
mod watch;
