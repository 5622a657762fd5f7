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
    }
}

pub struct Store {
    conn: Connection,
}

/// `ERRTUI_STATE_DIR`, or the platform's state (or local data) directory.
pub fn path() -> Option<PathBuf> {
    crate::runtime::history::path().map(|p| p.with_file_name("errtui.db"))
}

impl Store {
    /// Opens (or creates) the database and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let conn = Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
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
        tx.execute(
            "DELETE FROM seen WHERE profile = ?1 AND error_id IN (
                SELECT error_id FROM seen WHERE profile = ?1 ORDER BY seen_at DESC LIMIT -1 OFFSET ?2)",
            params![profile, MAX_SEEN as i64],
        )
        .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())
    }
}

impl Store {
    /// Keeps `rows` as `profile`'s last list.
    pub fn save_list(
        &mut self,
        profile: &str,
        rows: &[ErrorSummary],
        at: i64,
    ) -> Result<(), String> {
        let json: Vec<serde_json::Value> = rows.iter().take(MAX_CACHED_ROWS).map(to_row).collect();
        let text = serde_json::to_string(&json).map_err(|e| e.to_string())?;
        self.conn
            .execute(
                "INSERT INTO list_cache (profile, saved_at, rows) VALUES (?1, ?2, ?3)
                 ON CONFLICT(profile) DO UPDATE SET saved_at = ?2, rows = ?3",
                params![profile, at, text],
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// `profile`'s last list and when it was kept, if there is one.
    pub fn load_list(
        &self,
        profile: &str,
    ) -> Result<Option<(Vec<ErrorSummary>, Timestamp)>, String> {
        let row: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT saved_at, rows FROM list_cache WHERE profile = ?1",
                params![profile],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| e.to_string())?;
        let Some((at, text)) = row else {
            return Ok(None);
        };
        let rows: Vec<Row> = serde_json::from_str(&text).unwrap_or_default();
        let rows = rows.into_iter().map(from_row).collect();
        Ok(chrono::DateTime::from_timestamp(at, 0).map(|t| (rows, t)))
    }
}

/// `errtui cache clear`: removes the database. Returns whether there was one.
pub fn clear(path: &Path) -> Result<bool, String> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}
