//! The sessions of one user, one Durable Object per user (`UserSessions`, named by the user
//! id): the index that lets a back-channel logout end every session of a shopper at once, and
//! the logout tokens already used for them, so a replayed one is refused.
//!
//! Internal calls: `/add` and `/remove` (a session begins or is signed out) and `/logout` (a
//! verified logout token: refuse it if its `jti` was seen, else end every session listed). Rows
//! carry their expiry; expired ones are pruned on every call and by an alarm, which deletes the
//! object once nothing in it matters any more.

use serde::{Deserialize, Serialize};

/// The namespace binding of the per-user index objects.
pub const BINDING: &str = "USER_SESSIONS";

#[derive(Serialize, Deserialize)]
pub(crate) struct Entry {
    pub session_id: String,
    /// When the session ends for good (Unix ms); the entry is useless after it.
    pub expires_ms: u64,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Removal {
    pub session_id: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Logout {
    pub jti: String,
    /// When the logout token expires (Unix ms): its `jti` is kept until then.
    pub expires_ms: u64,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct LoggedOut {
    pub ended: u32,
}

/// The status `/logout` answers for a logout token already used.
pub(crate) const REPLAYED: u16 = 409;

#[cfg(feature = "sessions")]
pub use object::UserSessions;

#[cfg(feature = "sessions")]
mod object {
    use futures::future::join_all;
    use serde::Deserialize;
    use worker::{
        DurableObject, Env, Request, Response, SqlStorageValue, State, console_error,
        durable_object,
    };

    use super::{Entry, LoggedOut, Logout, REPLAYED, Removal};
    use crate::auth::{objects, session_object};
    use crate::request_id;

    const SCHEMA: [&str; 2] = [
        "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, expires_ms INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS logout_tokens (jti TEXT PRIMARY KEY, expires_ms INTEGER NOT NULL)",
    ];

    #[derive(Deserialize)]
    struct Id {
        id: String,
    }

    #[derive(Deserialize)]
    struct Latest {
        latest: Option<u64>,
    }

    #[durable_object]
    pub struct UserSessions {
        state: State,
        env: Env,
    }

    fn now_ms() -> u64 {
        crate::platform::now_ms()
    }

    fn int(value: u64) -> SqlStorageValue {
        SqlStorageValue::Integer(i64::try_from(value).unwrap_or(i64::MAX))
    }

    impl DurableObject for UserSessions {
        fn new(state: State, env: Env) -> Self {
            Self { state, env }
        }

        async fn fetch(&self, mut request: Request) -> worker::Result<Response> {
            let request_id = request
                .headers()
                .get(request_id::HEADER)
                .ok()
                .flatten()
                .unwrap_or_default();
            match request.path().as_str() {
                "/add" => {
                    let entry: Entry = request.json().await?;
                    self.prepare()?;
                    self.state.storage().sql().exec(
                        "INSERT OR REPLACE INTO sessions (id, expires_ms) VALUES (?, ?)",
                        vec![entry.session_id.into(), int(entry.expires_ms)],
                    )?;
                    self.schedule().await?;
                    Response::empty()
                }
                "/remove" => {
                    let removal: Removal = request.json().await?;
                    self.prepare()?;
                    self.state.storage().sql().exec(
                        "DELETE FROM sessions WHERE id = ?",
                        vec![removal.session_id.into()],
                    )?;
                    Response::empty()
                }
                "/logout" => {
                    let logout: Logout = request.json().await?;
                    self.logout(logout, &request_id).await
                }
                _ => Response::error("no such call", 404),
            }
        }

        /// Prunes what has expired; deletes the object once nothing is left.
        async fn alarm(&self) -> worker::Result<Response> {
            self.prepare()?;
            self.schedule().await?;
            Response::empty()
        }
    }

    impl UserSessions {
        /// Creates the tables if needed and drops expired rows.
        fn prepare(&self) -> worker::Result<()> {
            let sql = self.state.storage().sql();
            for table in SCHEMA {
                sql.exec(table, None)?;
            }
            let now = int(now_ms());
            sql.exec(
                "DELETE FROM sessions WHERE expires_ms <= ?",
                vec![now.clone()],
            )?;
            sql.exec("DELETE FROM logout_tokens WHERE expires_ms <= ?", vec![now])?;
            Ok(())
        }

        /// An alarm at the latest expiry of anything kept, or no object at all if nothing is.
        async fn schedule(&self) -> worker::Result<()> {
            let latest = self
                .state
                .storage()
                .sql()
                .exec(
                    "SELECT MAX(expires_ms) AS latest FROM (
                        SELECT expires_ms FROM sessions UNION ALL SELECT expires_ms FROM logout_tokens
                     )",
                    None,
                )?
                .one::<Latest>()?
                .latest;
            let storage = self.state.storage();
            match latest {
                Some(at_ms) => {
                    let date = worker::js_sys::Date::new(&worker::wasm_bindgen::JsValue::from_f64(
                        at_ms as f64,
                    ));
                    storage.set_alarm(worker::ScheduledTime::new(date)).await
                }
                None => {
                    storage.delete_alarm().await?;
                    storage.delete_all().await
                }
            }
        }

        /// Ends every session of the user, once per logout token.
        async fn logout(&self, logout: Logout, request_id: &str) -> worker::Result<Response> {
            self.prepare()?;
            let sql = self.state.storage().sql();
            let seen = sql
                .exec(
                    "SELECT jti AS id FROM logout_tokens WHERE jti = ?",
                    vec![logout.jti.clone().into()],
                )?
                .to_array::<Id>()?;
            if !seen.is_empty() {
                return Ok(Response::empty()?.with_status(REPLAYED));
            }
            // Recorded before any await, so a concurrent replay already sees it.
            sql.exec(
                "INSERT INTO logout_tokens (jti, expires_ms) VALUES (?, ?)",
                vec![logout.jti.clone().into(), int(logout.expires_ms)],
            )?;
            let sessions = sql
                .exec("SELECT id FROM sessions", None)?
                .to_array::<Id>()?;
            let ends = sessions.iter().map(|session| {
                objects::call(
                    &self.env,
                    session_object::BINDING,
                    &session.id,
                    "/end",
                    &serde_json::Value::Null,
                    request_id,
                )
            });
            let outcomes = join_all(ends).await;
            let mut ended = 0u32;
            let mut failed = false;
            for (session, outcome) in sessions.iter().zip(outcomes) {
                match outcome {
                    Ok(answer) if answer.status == 200 => {
                        // Count the sessions that were still live; some may have ended already.
                        if answer
                            .json::<session_object::Ended>()
                            .is_some_and(|was| was.user_id.is_some())
                        {
                            ended += 1;
                        }
                        sql.exec(
                            "DELETE FROM sessions WHERE id = ?",
                            vec![session.id.clone().into()],
                        )?;
                    }
                    Ok(answer) => {
                        console_error!("ending a session answered {}", answer.status);
                        failed = true;
                    }
                    Err(error) => {
                        console_error!("ending a session failed: {error}");
                        failed = true;
                    }
                }
            }
            if failed {
                // Let the identity service deliver the token again for the sessions left.
                sql.exec(
                    "DELETE FROM logout_tokens WHERE jti = ?",
                    vec![logout.jti.into()],
                )?;
                return Ok(Response::empty()?.with_status(503));
            }
            self.schedule().await?;
            Response::from_json(&LoggedOut { ended })
        }
    }
}
