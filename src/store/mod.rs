//! What errtui remembers between runs, in an embedded SQLite database in the platform's state
//! directory: per profile, which errors the user has seen and when, so "new since you last
//! looked" survives a restart. It never holds a token. The schema has a version
//! (`PRAGMA user_version`) and migrations run in order; its size is bounded.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};

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
];

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

/// `errtui cache clear`: removes the database. Returns whether there was one.
pub fn clear(path: &Path) -> Result<bool, String> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}
