//! Runs effects as tokio tasks, in a jobs table: latest-wins slots for fetches and timers (a
//! new one aborts the one before), a serial queue per error for status changes, and every task
//! wrapped so that a panic comes back as a message instead of a slot stuck "Loading".

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;
use tokio::task::{AbortHandle, JoinHandle};

use crate::app::msg::{Data, Fetch, Slot};
use crate::app::state::PAGE_SIZE;
use crate::app::{Effect, Msg};
use crate::backend::{Backend, BackendError};

pub struct Executor {
    backend: Arc<dyn Backend>,
    tx: UnboundedSender<Msg>,
    slots: HashMap<Slot, AbortHandle>,
    timers: HashMap<String, AbortHandle>,
    /// Per error, a signal that its last change sent has ended: the next one waits for it.
    mutations: HashMap<String, watch::Receiver<bool>>,
    /// errtui's database and this profile's key in it: what a detail or event read offline
    /// falls back to.
    disk: Option<Disk>,
}

/// The database, shared with the runtime's writes, and the profile's key in it.
pub type Disk = (Arc<std::sync::Mutex<crate::store::Store>>, String);

struct AbortOnDrop(AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn panicked(what: &str) -> BackendError {
    BackendError::Other(format!(
        "errtui failed inside while {what} (a bug: please report it); nothing else is affected."
    ))
}

impl Executor {
    pub fn new(backend: Arc<dyn Backend>, tx: UnboundedSender<Msg>) -> Self {
        Executor {
            backend,
            tx,
            slots: HashMap::new(),
            timers: HashMap::new(),
            mutations: HashMap::new(),
            disk: None,
        }
    }

    /// Where background work sends its messages.
    pub fn sender(&self) -> UnboundedSender<Msg> {
        self.tx.clone()
    }

    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// Where details and events opened before are read from when the server cannot be reached.
    pub fn set_disk(&mut self, disk: Option<Disk>) {
        self.disk = disk;
    }

    /// Spawns `work`; its message is sent when it ends. If it panics, `on_panic` is sent
    /// instead; if it is aborted (superseded), nothing is.
    fn spawn<F>(&self, work: F, on_panic: Msg) -> JoinHandle<()>
    where
        F: Future<Output = Msg> + Send + 'static,
    {
        let tx = self.tx.clone();
        let inner = tokio::spawn(work);
        // Aborting the outer task drops this guard, which stops the inner one too.
        let guard = AbortOnDrop(inner.abort_handle());
        tokio::spawn(async move {
            let _guard = guard;
            match inner.await {
                Ok(msg) => {
                    let _ = tx.send(msg);
                }
                Err(e) if e.is_panic() => {
                    tracing::error!("a background task panicked");
                    let _ = tx.send(on_panic);
                }
                Err(_) => {}
            }
        })
    }

    fn put_in_slot(&mut self, slot: Slot, job: JoinHandle<()>) {
        if let Some(old) = self.slots.insert(slot, job.abort_handle()) {
            old.abort();
        }
    }

    /// Queues a change to `ids` behind the changes already sent for any of them. The future
    /// ends when they have; the sender says this change has (sent, or dropped with its task).
    fn queue_behind(
        &mut self,
        ids: &[String],
    ) -> (
        impl Future<Output = ()> + Send + 'static,
        watch::Sender<bool>,
    ) {
        // Finished changes (signalled, or their task gone) need no waiting for.
        self.mutations
            .retain(|_, rx| !*rx.borrow() && rx.has_changed().is_ok());
        let before: Vec<watch::Receiver<bool>> = ids
            .iter()
            .filter_map(|id| self.mutations.get(id).cloned())
            .collect();
        let (tx, rx) = watch::channel(false);
        for id in ids {
            self.mutations.insert(id.clone(), rx.clone());
        }
        let wait = async move {
            for mut prev in before {
                let _ = prev.wait_for(|done| *done).await;
            }
        };
        (wait, tx)
    }

    /// Stops every fetch and timer (a profile switch): their answers belong to the server before.
    /// Changes already sent run to their end.
    pub fn abort_reads(&mut self) {
        for (_, h) in self.slots.drain() {
            h.abort();
        }
        for (_, h) in self.timers.drain() {
            h.abort();
        }
    }

    pub fn run(&mut self, effect: Effect) {
        let b = self.backend.clone();
        match effect {
            Effect::Fetch { req, fetch } => {
                let slot = fetch.slot();
                let on_panic = Msg::Loaded {
                    req,
                    fetch: fetch.clone(),
                    result: Err(panicked("loading")),
                };
                let disk = self.disk.clone();
                let tx = self.tx.clone();
                let job = self.spawn(
                    async move {
                        let result = run_fetch(b.as_ref(), &fetch).await;
                        // What a combined view could not read from one of its servers.
                        for w in b.warnings() {
                            let _ = tx.send(Msg::EffectFailed(crate::text::sanitize(&w)));
                        }
                        match result {
                            Err(error) if unreachable(&error) => {
                                match read_disk(disk, fetch.clone()).await {
                                    Some((data, at)) => Msg::FromDisk {
                                        req,
                                        fetch,
                                        data,
                                        at,
                                        error,
                                    },
                                    None => Msg::Loaded {
                                        req,
                                        fetch,
                                        result: Err(error),
                                    },
                                }
                            }
                            result => Msg::Loaded { req, fetch, result },
                        }
                    },
                    on_panic,
                );
                self.put_in_slot(slot, job);
            }
            Effect::Cancel(slot) => {
                if let Some(old) = self.slots.remove(&slot) {
                    old.abort();
                }
            }
            Effect::After { ms, timer } => {
                let key = timer.key();
                let tx = self.tx.clone();
                let job = tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    let _ = tx.send(Msg::Timer(timer));
                });
                if let Some(old) = self.timers.insert(key, job.abort_handle()) {
                    old.abort();
                }
            }
            Effect::Update { req, ids, change } => {
                let on_panic = Msg::Updated {
                    req,
                    ids: ids.clone(),
                    change: change.clone(),
                    result: Err(panicked("changing errors")),
                };
                let (wait, done) = self.queue_behind(&ids);
                drop(self.spawn(
                    async move {
                        wait.await;
                        let result = b.update(&ids, &change).await;
                        let _ = done.send(true);
                        Msg::Updated {
                            req,
                            ids,
                            change,
                            result,
                        }
                    },
                    on_panic,
                ));
            }
            Effect::Merge { req, ids } => {
                let on_panic = Msg::Merged {
                    req,
                    ids: ids.clone(),
                    result: Err(panicked("merging errors")),
                };
                let (wait, done) = self.queue_behind(&ids);
                drop(self.spawn(
                    async move {
                        wait.await;
                        let result = b.merge(&ids).await;
                        let _ = done.send(true);
                        Msg::Merged { req, ids, result }
                    },
                    on_panic,
                ));
            }
            Effect::Comment { req, id, text } => {
                let on_panic = Msg::Commented {
                    req,
                    id: id.clone(),
                    result: Err(panicked("commenting")),
                };
                drop(self.spawn(
                    async move {
                        let result = b.comment(&id, &text).await;
                        Msg::Commented { req, id, result }
                    },
                    on_panic,
                ));
            }
            Effect::CreateIssue {
                req,
                id,
                title,
                description,
            } => {
                let on_panic = Msg::IssueCreated {
                    req,
                    id: id.clone(),
                    result: Err(panicked("creating an issue")),
                };
                drop(self.spawn(
                    async move {
                        let result = b.create_issue(&title, &description).await;
                        Msg::IssueCreated { req, id, result }
                    },
                    on_panic,
                ));
            }
            // Changes the user confirmed are never aborted.
            Effect::SetSettings {
                req,
                active,
                integrated,
            } => {
                self.spawn(
                    async move {
                        let result = b.set_settings(active, integrated).await;
                        Msg::SettingsChanged { req, result }
                    },
                    Msg::SettingsChanged {
                        req,
                        result: Err(panicked("changing the settings")),
                    },
                );
            }
            Effect::CreateKey { req, name } => {
                self.spawn(
                    async move {
                        let result = b.create_key(name.as_deref()).await;
                        Msg::KeyCreated { req, result }
                    },
                    Msg::KeyCreated {
                        req,
                        result: Err(panicked("creating a key")),
                    },
                );
            }
            Effect::DeleteKey { req, id } => {
                let on_panic = Msg::KeyDeleted {
                    req,
                    id: id.clone(),
                    result: Err(panicked("deleting a key")),
                };
                self.spawn(
                    async move {
                        let result = b.delete_key(&id).await;
                        Msg::KeyDeleted { req, id, result }
                    },
                    on_panic,
                );
            }
            Effect::SetKeyActive { req, id, active } => {
                self.spawn(
                    async move {
                        let result = b.set_key_active(&id, active).await;
                        Msg::KeyChanged { req, result }
                    },
                    Msg::KeyChanged {
                        req,
                        result: Err(panicked("changing a key")),
                    },
                );
            }
            Effect::TestDsn { req, key_id, dsn } => {
                let on_panic = Msg::DsnTested {
                    req,
                    key_id: key_id.clone(),
                    result: Err("errtui failed inside while sending it".into()),
                };
                self.spawn(
                    async move {
                        let result = crate::dsn::send_test_event(&dsn).await;
                        Msg::DsnTested {
                            req,
                            key_id,
                            result,
                        }
                    },
                    on_panic,
                );
            }
            Effect::Probe => {
                let caps = self.backend.capabilities();
                self.spawn(
                    async move { Msg::Probed(b.probe().await) },
                    Msg::Probed(caps),
                );
            }
            Effect::Diagnose => {
                self.spawn(
                    async move { Msg::Diagnosed(b.diagnose().await) },
                    Msg::Diagnosed(None),
                );
            }
            Effect::OpenUrl(url) => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = open::that_detached(&url) {
                        let _ =
                            tx.send(Msg::EffectFailed(format!("Could not open a browser: {e}")));
                    }
                });
            }
            Effect::Copy(_)
            | Effect::Quit
            | Effect::SwitchProfile(_)
            | Effect::Combine { .. }
            | Effect::SaveHistory(_)
            | Effect::RunCommand { .. }
            | Effect::EditFrame { .. }
            | Effect::Alert { .. }
            | Effect::RememberSeen(_)
            | Effect::RememberOpened(_)
            | Effect::RememberList(_)
            | Effect::RememberListFresh => {}
        }
    }
}

/// The server could not be reached at all (refused, no route, timed out).
fn unreachable(e: &BackendError) -> bool {
    matches!(
        e,
        BackendError::Connect { .. } | BackendError::Timeout { .. }
    )
}

/// A detail or event kept when it was opened before, read off the async threads.
async fn read_disk(disk: Option<Disk>, fetch: Fetch) -> Option<(Data, crate::model::Timestamp)> {
    use crate::store::Kind;
    let (store, profile) = disk?;
    tokio::task::spawn_blocking(move || {
        let db = store.lock().ok()?;
        match &fetch {
            Fetch::Detail { id } => db
                .load_opened(&profile, Kind::Detail, id)
                .ok()
                .flatten()
                .map(|(d, at)| (Data::Detail(Box::new(d)), at)),
            Fetch::Event { id, which } => {
                let key = crate::app::error_view::event_cache_key(id, which);
                db.load_opened(&profile, Kind::Event, &key)
                    .ok()
                    .flatten()
                    .map(|(e, at)| (Data::Event(Box::new(e)), at))
            }
            _ => None,
        }
    })
    .await
    .ok()
    .flatten()
}

async fn run_fetch(b: &dyn Backend, fetch: &Fetch) -> Result<Data, BackendError> {
    Ok(match fetch {
        Fetch::List { query, cursor, .. } => {
            Data::Page(b.list(query, cursor.as_deref(), PAGE_SIZE).await?)
        }
        Fetch::Detail { id } => Data::Detail(Box::new(b.detail(id).await?)),
        Fetch::Event { id, which } => Data::Event(Box::new(b.event(id, which).await?)),
        Fetch::Events { id, cursor } => Data::Events(b.events(id, cursor.as_deref(), 100).await?),
        Fetch::Tags { id } => Data::Tags(b.tags(id, None).await?),
        Fetch::Keys => Data::Keys(b.list_keys().await?),
        Fetch::Settings => Data::Settings(b.settings().await?),
        Fetch::People => {
            // Both at once; members without "me" still fill the picker.
            let (me, members) = tokio::join!(b.whoami(), b.members());
            Data::People {
                me: me.ok(),
                members: members?,
            }
        }
        Fetch::Releases => Data::Releases(b.releases().await?),
        Fetch::Environments => Data::Environments(b.environments().await?),
        Fetch::Projects => Data::Projects(b.projects().await?),
    })
}
