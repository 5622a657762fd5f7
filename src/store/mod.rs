//! What errtui remembers between runs, in an embedded SQLite database in the platform's state
//! directory: per profile, which errors the user has seen and when, so "new since you last
//! looked" survives a restart. It never holds a token. The schema has a version
//! (`PRAGMA user_version`) and migrations run in order; its size is bounded.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use crate::model::{ErrorSummary, Level, Status, Timestamp};

/// Errors remembered per profile; the oldest go first.
pub const MAX_SEEN: usize = 100_000;

/// Each migration takes the schema from its index to the next version.
const MIGRATIONS: &[&str] = &[
    // 1: what was seen.
    "CREATE TABLE seen (
        profile TEXT NOT NULL,
        error_id TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        PRIMARY KEY (profile, error_id)
    );",
    // 2: an index to drop the oldest quickly, and a table for small settings.
    "CREATE INDEX seen_by_age ON seen (profile, seen_at);
     CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 3: the last list, to start from and to read offline.
    "CREATE TABLE list_cache (
        profile TEXT PRIMARY KEY,
        saved_at INTEGER NOT NULL,
        rows TEXT NOT NULL
    );",
    // 4: the details and events opened, recent searches, ids looked up on the server.
    "CREATE TABLE opened (
        profile TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        saved_at INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (profile, kind, key)
    );
    CREATE INDEX opened_by_age ON opened (profile, saved_at);
    CREATE TABLE searches (
        profile TEXT NOT NULL,
        pos INTEGER NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (profile, pos)
    );
    CREATE TABLE ids (
        profile TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        saved_at INTEGER NOT NULL,
        PRIMARY KEY (profile, name)
    );",
    // 5: the last list's first rows apart, so a start reads a screenful before the rest.
    "ALTER TABLE list_cache ADD COLUMN head TEXT NOT NULL DEFAULT '[]';",
];

/// Rows kept of the last list.
pub const MAX_CACHED_ROWS: usize = 10_000;

/// One list row as the cache keeps it (no triage, no token: what the list shows).
fn to_row(e: &ErrorSummary) -> serde_json::Value {
    serde_json::json!({
        "id": e.id, "short_id": e.short_id, "title": e.title, "culprit": e.culprit,
        "status": e.status.as_str(), "level": e.level.as_str(), "count": e.count,
        "user_count": e.user_count,
        "first_seen": e.first_seen.map(|t| t.timestamp()),
        "last_seen": e.last_seen.map(|t| t.timestamp()),
        "url": e.url, "project": e.project, "platform": e.platform, "stats_24h": e.stats_24h,
        "origin": e.origin,
    })
}

/// A cached row as read back: typed, so 10,000 rows need no JSON tree.
#[derive(serde::Deserialize)]
struct Row {
    id: String,
    short_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    culprit: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    count: u64,
    #[serde(default)]
    user_count: u64,
    first_seen: Option<i64>,
    last_seen: Option<i64>,
    url: Option<String>,
    project: Option<String>,
    platform: Option<String>,
    #[serde(default)]
    stats_24h: Vec<u64>,
    #[serde(default)]
    origin: Option<String>,
}

fn from_row(r: Row) -> ErrorSummary {
    use crate::text::sanitize;
    let t = |s: Option<i64>| s.and_then(|secs| chrono::DateTime::from_timestamp(secs, 0));
    let mut stats = r.stats_24h;
    stats.truncate(400);
    ErrorSummary {
        id: sanitize(&r.id),
        short_id: sanitize(&r.short_id),
        title: sanitize(&r.title),
        culprit: sanitize(&r.culprit),
        status: Status::parse(&r.status),
        level: Level::parse(&r.level),
        count: r.count,
        user_count: r.user_count,
        first_seen: t(r.first_seen),
        last_seen: t(r.last_seen),
        url: r.url.map(|u| sanitize(&u)),
        project: r.project.map(|p| sanitize(&p)),
        platform: r.platform.map(|p| sanitize(&p)),
        stats_24h: stats,
        triage: Default::default(),
        origin: r.origin.map(|o| sanitize(&o)),
    }
}

pub struct Store {
    conn: Connection,
}

/// `ERRTUI_STATE_DIR`, or the platform's state (or local data) directory.
pub fn state_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("ERRTUI_STATE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let dirs = directories::ProjectDirs::from("", "", "errtui")?;
    Some(
        dirs.state_dir()
            .map(|d| d.to_path_buf())
            .unwrap_or_else(|| dirs.data_local_dir().to_path_buf()),
    )
}

/// The database's file, in the state directory.
pub fn path() -> Option<PathBuf> {
    state_dir().map(|d| d.join("errtui.db"))
}

impl Store {
    /// Opens (or creates) the database and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let conn = Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        // What was opened is production data: only the user reads it.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
        // A cache, written every refresh: the write-ahead log without a sync on each commit
        // keeps that cheap (a crash may lose the last refresh's writes, never the file).
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    pub fn version(&self) -> Result<usize, String> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .map(|v| v.max(0) as usize)
            .map_err(|e| e.to_string())
    }

    fn migrate(&self) -> Result<(), String> {
        let from = self.version()?;
        if from > MIGRATIONS.len() {
            return Err(format!(
                "the database is from a newer errtui (schema {from}): run `errtui cache clear` or update errtui"
            ));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(from) {
            self.conn
                .execute_batch(&format!(
                    "BEGIN; {sql} PRAGMA user_version = {}; COMMIT;",
                    i + 1
                ))
                .map_err(|e| format!("migrating the database to schema {}: {e}", i + 1))?;
        }
        Ok(())
    }

    /// The errors seen on `profile`.
    pub fn seen(&self, profile: &str) -> Result<HashSet<String>, String> {
        let mut stmt = self
            .conn
            .prepare("SELECT error_id FROM seen WHERE profile = ?1")
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map(params![profile], |r| r.get::<_, String>(0))
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
    }

    /// Remembers `ids` as seen on `profile` at `at` (seconds), keeping at most `MAX_SEEN`.
    pub fn mark_seen(&mut self, profile: &str, ids: &[String], at: i64) -> Result<(), String> {
        let tx = self.conn.transaction().map_err(|e| e.to_string())?;
        {
            let mut stmt = tx
                .prepare(
                    "INSERT OR IGNORE INTO seen (profile, error_id, seen_at) VALUES (?1, ?2, ?3)",
                )
                .map_err(|e| e.to_string())?;
            for id in ids {
                stmt.execute(params![profile, id, at])
                    .map_err(|e| e.to_string())?;
            }
        }
        let count: i64 = tx
            .query_row(
                "SELECT count(*) FROM seen WHERE profile = ?1",
                params![profile],
                |r| r.get(0),
            )
            .map_err(|e| e.to_string())?;
        if count > MAX_SEEN as i64 {
            tx.execute(
                "DELETE FROM seen WHERE profile = ?1 AND error_id IN (
                    SELECT error_id FROM seen WHERE profile = ?1 ORDER BY seen_at DESC LIMIT -1 OFFSET ?2)",
                params![profile, MAX_SEEN as i64],
            )
            .map_err(|e| e.to_string())?;
        }
        tx.commit().map_err(|e| e.to_string())
    }
}

impl Store {
    /// Keeps `rows` as `profile`'s last list: its first `HEAD_ROWS` apart from the rest.
    pub fn save_list(
        &mut self,
        profile: &str,
        rows: &[ErrorSummary],
        at: i64,
    ) -> Result<(), String> {
        let rows = &rows[..rows.len().min(MAX_CACHED_ROWS)];
        let (head, rest) = rows.split_at(rows.len().min(HEAD_ROWS));
        let text = |rows: &[ErrorSummary]| {
            let json: Vec<serde_json::Value> = rows.iter().map(to_row).collect();
            serde_json::to_string(&json).map_err(|e| e.to_string())
        };
        let (head, rest) = (text(head)?, text(rest)?);
        self.conn
            .execute(
                "INSERT INTO list_cache (profile, saved_at, head, rows) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(profile) DO UPDATE SET saved_at = ?2, head = ?3, rows = ?4",
                params![profile, at, head, rest],
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// `profile`'s last list is still the server's at `at`.
    pub fn touch_list(&mut self, profile: &str, at: i64) -> Result<(), String> {
        self.conn
            .execute(
                "UPDATE list_cache SET saved_at = ?2 WHERE profile = ?1",
                params![profile, at],
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// `profile`'s last list and when it was kept, if there is one.
    pub fn load_list(
        &self,
        profile: &str,
    ) -> Result<Option<(Vec<ErrorSummary>, Timestamp)>, String> {
        let Some((mut rows, at, more)) = self.load_list_head(profile)? else {
            return Ok(None);
        };
        if more {
            rows.extend(self.load_list_rest(profile)?);
        }
        Ok(Some((rows, at)))
    }

    /// The first rows of `profile`'s last list (a screenful and more), when it was kept, and
    /// whether more rows follow (`load_list_rest`).
    pub fn load_list_head(
        &self,
        profile: &str,
    ) -> Result<Option<(Vec<ErrorSummary>, Timestamp, bool)>, String> {
        let row: Option<(i64, String, bool)> = self
            .conn
            .query_row(
                "SELECT saved_at, head, rows != '[]' FROM list_cache WHERE profile = ?1",
                params![profile],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| e.to_string())?;
        let Some((at, head, more)) = row else {
            return Ok(None);
        };
        let mut rows = decode_rows(&head);
        let mut more = more;
        if rows.is_empty() && more {
            // Kept by schema 3 or 4, before the head was apart: the whole list, this once.
            rows = self.load_list_rest(profile)?;
            more = false;
        }
        Ok(chrono::DateTime::from_timestamp(at, 0).map(|t| (rows, t, more)))
    }

    /// The rows of `profile`'s last list after its head.
    pub fn load_list_rest(&self, profile: &str) -> Result<Vec<ErrorSummary>, String> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT rows FROM list_cache WHERE profile = ?1",
                params![profile],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| e.to_string())?;
        Ok(text.map(|t| decode_rows(&t)).unwrap_or_default())
    }
}

/// Rows of the last list kept at the head, read before the rest at start-up.
pub const HEAD_ROWS: usize = 200;

fn decode_rows(text: &str) -> Vec<ErrorSummary> {
    let rows: Vec<Row> = serde_json::from_str(text).unwrap_or_default();
    rows.into_iter().map(from_row).collect()
}

/// Details and events kept per profile for reading offline; the oldest go first.
pub const MAX_OPENED: usize = 500;
/// A detail or event larger than this is not kept (a page of frames with their variables is a
/// few hundred kilobytes at most).
pub const MAX_OPENED_BYTES: usize = 2 << 20;
/// Recent searches kept per profile.
pub const MAX_SEARCHES: usize = crate::app::overlay::HISTORY_MAX;
/// Ids looked up on a server are trusted this long (a project renamed gets a new slug).
pub const IDS_MAX_AGE_SECS: i64 = 7 * 24 * 3600;

/// What was opened: an error's detail, or one of its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Detail,
    Event,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Detail => "detail",
            Kind::Event => "event",
        }
    }
}

/// Every string in `v` sanitised again (keeping line breaks): the file may have been edited.
fn sanitize_tree(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::String(s) if s.chars().any(|c| c != '\n' && crate::text::is_unsafe(c)) => {
            *s = crate::text::sanitize_lines(s).join("\n");
        }
        Value::Array(a) => a.iter_mut().for_each(sanitize_tree),
        Value::Object(m) => m.values_mut().for_each(sanitize_tree),
        _ => {}
    }
}

impl Store {
    /// Keeps a detail or an event opened on `profile`, for reading it offline.
    pub fn save_opened<T: serde::Serialize>(
        &mut self,
        profile: &str,
        kind: Kind,
        key: &str,
        value: &T,
        at: i64,
    ) -> Result<(), String> {
        let body = serde_json::to_string(value).map_err(|e| e.to_string())?;
        if body.len() > MAX_OPENED_BYTES {
            return Ok(());
        }
        let tx = self.conn.transaction().map_err(|e| e.to_string())?;
        tx.execute(
            "INSERT INTO opened (profile, kind, key, saved_at, body) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(profile, kind, key) DO UPDATE SET saved_at = ?4, body = ?5",
            params![profile, kind.as_str(), key, at, body],
        )
        .map_err(|e| e.to_string())?;
        tx.execute(
            "DELETE FROM opened WHERE profile = ?1 AND rowid IN (
                SELECT rowid FROM opened WHERE profile = ?1 ORDER BY saved_at DESC LIMIT -1 OFFSET ?2)",
            params![profile, MAX_OPENED as i64],
        )
        .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())
    }

    /// A detail or event kept for `profile`, and when it was kept.
    pub fn load_opened<T: serde::de::DeserializeOwned>(
        &self,
        profile: &str,
        kind: Kind,
        key: &str,
    ) -> Result<Option<(T, Timestamp)>, String> {
        let row: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT saved_at, body FROM opened WHERE profile = ?1 AND kind = ?2 AND key = ?3",
                params![profile, kind.as_str(), key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| e.to_string())?;
        let Some((at, body)) = row else {
            return Ok(None);
        };
        let Ok(mut tree) = serde_json::from_str::<serde_json::Value>(&body) else {
            return Ok(None);
        };
        sanitize_tree(&mut tree);
        let value = serde_json::from_value(tree).ok();
        Ok(value.zip(chrono::DateTime::from_timestamp(at, 0)))
    }

    /// `profile`'s recent searches, oldest first (as the `/` line's ↑ walks them).
    pub fn searches(&self, profile: &str) -> Result<Vec<String>, String> {
        let mut stmt = self
            .conn
            .prepare("SELECT text FROM searches WHERE profile = ?1 ORDER BY pos")
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map(params![profile], |r| r.get::<_, String>(0))
            .map_err(|e| e.to_string())?;
        let all: Vec<String> = rows.collect::<Result<_, _>>().map_err(|e| e.to_string())?;
        let mut out: Vec<String> = all
            .iter()
            .map(|s| crate::text::sanitize(s))
            .filter(|s| !s.trim().is_empty())
            .collect();
        out.drain(..out.len().saturating_sub(MAX_SEARCHES));
        Ok(out)
    }

    /// Replaces `profile`'s recent searches (oldest first), keeping the newest `MAX_SEARCHES`.
    pub fn save_searches(&mut self, profile: &str, list: &[String]) -> Result<(), String> {
        let tx = self.conn.transaction().map_err(|e| e.to_string())?;
        tx.execute("DELETE FROM searches WHERE profile = ?1", params![profile])
            .map_err(|e| e.to_string())?;
        {
            let mut stmt = tx
                .prepare("INSERT INTO searches (profile, pos, text) VALUES (?1, ?2, ?3)")
                .map_err(|e| e.to_string())?;
            let keep = &list[list.len().saturating_sub(MAX_SEARCHES)..];
            for (i, text) in keep.iter().enumerate() {
                let text = crate::text::sanitize(text);
                stmt.execute(params![profile, i as i64, text])
                    .map_err(|e| e.to_string())?;
            }
        }
        tx.commit().map_err(|e| e.to_string())
    }

    /// Ids `profile`'s server gave for names (a project's slug to its number), younger than
    /// `IDS_MAX_AGE_SECS` at `now`.
    pub fn ids(&self, profile: &str, now: i64) -> Result<Vec<(String, String)>, String> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, value FROM ids WHERE profile = ?1 AND saved_at >= ?2")
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map(params![profile, now - IDS_MAX_AGE_SECS], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
    }

    /// Remembers ids the server gave for names on `profile`.
    pub fn save_ids(
        &mut self,
        profile: &str,
        ids: &[(String, String)],
        at: i64,
    ) -> Result<(), String> {
        let tx = self.conn.transaction().map_err(|e| e.to_string())?;
        {
            let mut stmt = tx
                .prepare(
                    "INSERT INTO ids (profile, name, value, saved_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(profile, name) DO UPDATE SET value = ?3, saved_at = ?4",
                )
                .map_err(|e| e.to_string())?;
            for (name, value) in ids.iter().take(10_000) {
                stmt.execute(params![profile, name, value, at])
                    .map_err(|e| e.to_string())?;
            }
        }
        tx.commit().map_err(|e| e.to_string())
    }
}

/// `errtui cache clear`: removes the database and its write-ahead log. Returns whether there
/// was one.
pub fn clear(path: &Path) -> Result<bool, String> {
    let mut had = false;
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&p) {
            Ok(()) => had |= suffix.is_empty(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", p.display())),
        }
    }
    Ok(had)
}
