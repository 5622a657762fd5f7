//! `errtui keys`: list, create, delete, rotate and test client keys (DSNs).

use std::io::Write;

use super::output::keys_table;
use super::{Failure, Global, KeysAction, backend_from, print, to_json};
use crate::backend::Backend;
use crate::text::sanitize;

pub(super) async fn keys(g: &Global, action: KeysAction, json: bool) -> Result<(), Failure> {
    // Testing a DSN needs no account: the DSN is the credential.
    let b = match &action {
        KeysAction::Test { .. } => None,
        _ => Some(backend_from(g)?),
    };
    let b = || b.clone().ok_or_else(|| Failure::Fail("no backend".into()));
    match action {
        KeysAction::List => {
            let keys = b()?.list_keys().await?;
            print(&if json {
                to_json(&keys)?
            } else {
                keys_table(&keys)
            })
        }
        KeysAction::Create { name } => {
            let k = b()?.create_key(name.as_deref()).await?;
            eprintln!("Created client key {}.", sanitize(&k.id));
            print(&if json {
                to_json(&k)?
            } else {
                keys_table(std::slice::from_ref(&k))
            })
        }
        KeysAction::Test { dsn } => {
            let parsed = crate::dsn::Dsn::parse(&dsn).map_err(Failure::Usage)?;
            match crate::dsn::send_test_event(&dsn).await {
                Ok(event_id) => {
                    eprintln!(
                        "The test event arrived: {} accepted it as event {event_id}.",
                        sanitize(&parsed.host)
                    );
                    if json {
                        print(&to_json(
                            &serde_json::json!({"accepted": true, "event_id": event_id, "host": parsed.host, "project_id": parsed.project_id}),
                        )?)
                    } else {
                        print(&format!("{event_id}\n"))
                    }
                }
                Err(why) => Err(Failure::Fail(format!(
                    "The test event did not arrive: {why}."
                ))),
            }
        }
        KeysAction::Rotate { id, name, yes } => rotate(b()?.as_ref(), &id, name, yes, json).await,
        KeysAction::Enable { id } => set_active(b()?.as_ref(), &id, true, true, json).await,
        KeysAction::Disable { id, yes } => set_active(b()?.as_ref(), &id, false, yes, json).await,
        KeysAction::Delete { id, yes } => {
            let b = b()?;
            let keys = b.list_keys().await?;
            let key = find_key(&keys, &id)?;
            let last_active =
                key.may_be_active() && keys.iter().filter(|k| k.may_be_active()).count() == 1;
            if !yes {
                confirm(key, last_active, Ask::Delete)?;
            }
            let deleted = b.delete_key(&key.id).await?;
            eprintln!(
                "Deleted client key {} ({}).",
                sanitize(&deleted.id),
                sanitize(&deleted.public_key)
            );
            if json {
                print(&to_json(&deleted)?)
            } else {
                Ok(())
            }
        }
    }
}

/// Turns a key on or off; says it is done only when the server's answer shows it.
async fn set_active(
    b: &dyn Backend,
    id: &str,
    active: bool,
    yes: bool,
    json: bool,
) -> Result<(), Failure> {
    if let Some(why) = b.probe().await.key_toggle {
        return Err(Failure::Fail(why));
    }
    let keys = b.list_keys().await?;
    let key = find_key(&keys, id)?;
    if key.active == Some(active) {
        eprintln!(
            "Client key {} is already {}.",
            sanitize(&key.id),
            key.active_word()
        );
    } else {
        if !active && !yes {
            let last = keys.iter().filter(|k| k.may_be_active()).count() == 1;
            confirm(key, last, Ask::TurnOff)?;
        }
        let changed = b.set_key_active(&key.id, active).await?;
        eprintln!(
            "Client key {} is now {}.",
            sanitize(&changed.id),
            changed.active_word()
        );
        if json {
            return print(&to_json(&changed)?);
        }
        return Ok(());
    }
    if json { print(&to_json(key)?) } else { Ok(()) }
}

fn find_key<'a>(
    keys: &'a [crate::model::ClientKey],
    id: &str,
) -> Result<&'a crate::model::ClientKey, Failure> {
    keys.iter()
        .find(|k| k.id == id || k.public_key == id)
        .ok_or_else(|| Failure::Fail(format!("No client key `{}` in this project.", sanitize(id))))
}

/// Rotation, in the only safe order: create, test, and only then delete the old key. Any
/// failure stops with both keys in place.
async fn rotate(
    b: &dyn Backend,
    id: &str,
    name: Option<String>,
    yes: bool,
    json: bool,
) -> Result<(), Failure> {
    use std::io::IsTerminal;
    let keys = b.list_keys().await?;
    let old = find_key(&keys, id)?.clone();
    let name = name.unwrap_or_else(|| old.rotated_name(chrono::Utc::now().date_naive()));
    let new = b.create_key(Some(&name)).await?;
    if new.id == old.id || new.public_key == old.public_key {
        return Err(Failure::Fail(format!(
            "The server answered the create with the old key {}; nothing was tested or deleted.",
            sanitize(&old.id)
        )));
    }
    let Some(dsn) = new.dsn.clone() else {
        return Err(Failure::Fail(format!(
            "Created key {} but the server gave no DSN for it; the old key stays.",
            sanitize(&new.id)
        )));
    };
    eprintln!(
        "Created key {} with DSN:\n  {}",
        sanitize(&new.id),
        sanitize(&dsn)
    );
    let event_id = crate::dsn::send_test_event(&dsn).await.map_err(|why| {
        Failure::Fail(format!(
            "The new key did not accept a test event ({why}); both keys remain. Retry with `errtui keys test DSN`, or delete the new key with `errtui keys delete {}`.",
            sanitize(&new.id)
        ))
    })?;
    eprintln!("A test event through the new key arrived (event {event_id}).");
    let delete = if yes {
        true
    } else if std::io::stdin().is_terminal() {
        eprint!(
            "Deploy the new DSN to your applications first. Delete the old key {} ({}) now? Type 'yes' to delete: ",
            sanitize(&old.id),
            sanitize(&old.public_key)
        );
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    } else {
        false
    };
    let deleted = if delete {
        b.delete_key(&old.id).await.map_err(|e| {
            Failure::Fail(format!(
                "The new key works, but deleting the old one failed: {e}"
            ))
        })?;
        eprintln!("Deleted the old key {}. Rotation done.", sanitize(&old.id));
        true
    } else {
        eprintln!(
            "The old key {} stays active: delete it with `errtui keys delete {} --yes` once every application uses the new DSN.",
            sanitize(&old.id),
            sanitize(&old.id)
        );
        false
    };
    if json {
        print(&to_json(
            &serde_json::json!({"old": old, "new": new, "test_event_id": event_id, "old_deleted": deleted}),
        )?)
    } else {
        print(&format!("{}\n", sanitize(&dsn)))
    }
}

#[derive(Clone, Copy)]
enum Ask {
    Delete,
    TurnOff,
}

/// Asks on a terminal; refuses (usage error) when nobody can answer.
fn confirm(key: &crate::model::ClientKey, last_active: bool, ask: Ask) -> Result<(), Failure> {
    let (verb, gerund, not_done) = match ask {
        Ask::Delete => ("Delete", "deleting", "Not deleted."),
        Ask::TurnOff => ("Turn off", "turning off", "Not turned off."),
    };
    use std::io::IsTerminal;
    let what = format!(
        "client key {} ({}{})",
        sanitize(&key.id),
        sanitize(&key.public_key),
        key.name
            .as_deref()
            .map(|n| format!(", \"{}\"", sanitize(n)))
            .unwrap_or_default()
    );
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Usage(format!(
            "Not {gerund} {what} without confirmation: pass --yes when not on a terminal."
        )));
    }
    let mut err = std::io::stderr().lock();
    if last_active {
        let _ = writeln!(
            err,
            "Warning: this is the project's last active key. Applications using it will stop reporting errors."
        );
    }
    let _ = write!(
        err,
        "{verb} {what}? Applications using its DSN will stop reporting. Type 'yes' to go on: "
    );
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure::Fail(format!("could not read the answer: {e}")))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::Fail(not_done.into()))
    }
}
