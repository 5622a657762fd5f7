//! Runs effects as tokio tasks. One slot per kind of fetch: a new request aborts the old one,
//! and every result carries its request id so `update` can drop anything stale.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::app::state::PAGE_SIZE;
use crate::app::{Effect, Msg};
use crate::backend::Backend;

pub struct Executor {
    backend: Arc<dyn Backend>,
    tx: UnboundedSender<Msg>,
    list: Option<JoinHandle<()>>,
    detail: Option<JoinHandle<()>>,
    event: Option<JoinHandle<()>>,
    keys: Option<JoinHandle<()>>,
    settings: Option<JoinHandle<()>>,
}

impl Executor {
    pub fn new(backend: Arc<dyn Backend>, tx: UnboundedSender<Msg>) -> Self {
        Executor {
            backend,
            tx,
            list: None,
            detail: None,
            event: None,
            keys: None,
            settings: None,
        }
    }

    pub fn run(&mut self, effect: Effect) {
        let b = self.backend.clone();
        let tx = self.tx.clone();
        match effect {
            Effect::FetchList {
                req,
                query,
                cursor,
                append,
                delay_ms,
            } => replace(
                &mut self.list,
                tokio::spawn(async move {
                    pause(delay_ms).await;
                    let result = b.list(&query, cursor.as_deref(), PAGE_SIZE).await;
                    let _ = tx.send(Msg::ListLoaded {
                        req,
                        append,
                        result,
                    });
                }),
            ),
            Effect::FetchDetail { req, id, delay_ms } => replace(
                &mut self.detail,
                tokio::spawn(async move {
                    pause(delay_ms).await;
                    let result = b.detail(&id).await;
                    let _ = tx.send(Msg::DetailLoaded { req, id, result });
                }),
            ),
            Effect::FetchEvent { req, id, delay_ms } => replace(
                &mut self.event,
                tokio::spawn(async move {
                    pause(delay_ms).await;
                    let result = b.latest_event(&id).await;
                    let _ = tx.send(Msg::EventLoaded { req, id, result });
                }),
            ),
            Effect::SetStatus { req, id, status } => {
                // Status changes are never aborted: each one the user asked for is sent.
                tokio::spawn(async move {
                    let result = b.set_status(&id, &status).await;
                    let _ = tx.send(Msg::StatusChanged {
                        req,
                        id,
                        wanted: status,
                        result,
                    });
                });
            }
            Effect::ListKeys { req } => replace(
                &mut self.keys,
                tokio::spawn(async move {
                    let result = b.list_keys().await;
                    let _ = tx.send(Msg::KeysLoaded { req, result });
                }),
            ),
            Effect::LoadSettings { req } => replace(
                &mut self.settings,
                tokio::spawn(async move {
                    let result = b.settings().await;
                    let _ = tx.send(Msg::SettingsLoaded { req, result });
                }),
            ),
            // Changes are never aborted: each one the user confirmed is sent.
            Effect::SetSettings {
                req,
                active,
                integrated,
            } => {
                tokio::spawn(async move {
                    let result = b.set_settings(active, integrated).await;
                    let _ = tx.send(Msg::SettingsLoaded { req, result });
                });
            }
            Effect::CreateKey { req, name } => {
                tokio::spawn(async move {
                    let result = b.create_key(name.as_deref()).await;
                    let _ = tx.send(Msg::KeyCreated { req, result });
                });
            }
            Effect::DeleteKey { req, id } => {
                tokio::spawn(async move {
                    let result = b.delete_key(&id).await;
                    let _ = tx.send(Msg::KeyDeleted { req, id, result });
                });
            }
            Effect::SetKeyActive { req, id, active } => {
                tokio::spawn(async move {
                    let result = b.set_key_active(&id, active).await;
                    let _ = tx.send(Msg::KeyChanged { req, result });
                });
            }
            Effect::TestDsn { req, key_id, dsn } => {
                tokio::spawn(async move {
                    let result = crate::dsn::send_test_event(&dsn).await;
                    let _ = tx.send(Msg::DsnTested {
                        req,
                        key_id,
                        result,
                    });
                });
            }
            Effect::Probe => {
                tokio::spawn(async move {
                    let _ = tx.send(Msg::Probed(b.probe().await));
                });
            }
            Effect::Diagnose => {
                tokio::spawn(async move {
                    if let Some(why) = b.diagnose().await {
                        let _ = tx.send(Msg::Diagnosed(why));
                    }
                });
            }
            Effect::OpenUrl(url) => {
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = open::that_detached(&url) {
                        let _ =
                            tx.send(Msg::EffectFailed(format!("Could not open a browser: {e}")));
                    }
                });
            }
            Effect::Copy(_) | Effect::Quit => {}
        }
    }
}

async fn pause(ms: u64) {
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

fn replace(slot: &mut Option<JoinHandle<()>>, new: JoinHandle<()>) {
    if let Some(old) = slot.replace(new) {
        old.abort();
    }
}
