//! One web session, one Durable Object (`SessionObject`): the single, strongly consistent home
//! of the session's tokens, its user and its times, in the object's SQLite storage. The cookie
//! names the object (`id_from_name` of the random session id); nothing else can reach it.
//!
//! Why an object and not KV: KV reads are cached at each location for up to a minute, so an ended
//! session would keep working elsewhere; and a refresh token works once, so two requests of one
//! session must never both redeem it. An object is one place, and it serialises the refresh:
//! while a refresh is in flight (an awaited `fetch` lets other requests of the object run), the
//! requests that also need it wait for that same refresh instead of starting their own.
//!
//! The object answers three internal calls (from the Worker and from the per-user index):
//! `/create`, `/use` (check, renew the access token if due, note the request; 401 once the
//! session has ended) and `/end`. An alarm deletes it at its end.

use serde::{Deserialize, Serialize};

/// The namespace binding of the session objects.
pub const BINDING: &str = "SESSIONS";

/// What `/create` stores.
#[derive(Serialize, Deserialize)]
pub(crate) struct NewSession {
    pub user_id: String,
    pub name: Option<String>,
    pub access_token: String,
    pub access_expires_ms: u64,
    pub access_lifetime_ms: u64,
    pub refresh_token: Option<String>,
    pub expires_ms: u64,
    pub idle_ms: u64,
}

/// A live session, as `/create` and `/use` answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Current {
    pub user_id: String,
    pub name: Option<String>,
    /// Valid at least until the request's origin calls: renewed when it was due.
    pub access_token: String,
    /// When the session ends whatever the shopper does (Unix ms).
    pub expires_ms: u64,
    /// When it ends without a further request (Unix ms).
    pub idle_expires_ms: u64,
}

/// What `/end` answers: whose session it was and its refresh token, to revoke.
#[derive(Default, Serialize, Deserialize)]
pub(crate) struct Ended {
    pub user_id: Option<String>,
    pub refresh_token: Option<String>,
}

#[cfg(feature = "sessions")]
pub use object::SessionObject;

#[cfg(feature = "sessions")]
mod object {
    use std::cell::RefCell;
    use std::rc::Rc;

    use futures::FutureExt;
    use futures::future::{LocalBoxFuture, Shared};
    use serde::{Deserialize, Serialize};
    use worker::{
        DurableObject, Env, Request, Response, SqlStorageValue, State, console_error,
        durable_object,
    };

    use super::{Current, Ended, NewSession};
    use crate::auth::session_life::{Liveness, Times, refresh_due};
    use crate::error::BffError;
    use crate::origin::{Failure, OriginClient, OriginConfig, Service};
    use crate::request_id::{self, RequestId};
    use crate::timing::Timings;

    const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS session (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        user_id TEXT NOT NULL,
        name TEXT,
        access_token TEXT NOT NULL,
        access_expires_ms INTEGER NOT NULL,
        access_lifetime_ms INTEGER NOT NULL,
        refresh_token TEXT,
        created_ms INTEGER NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        idle_ms INTEGER NOT NULL
    )";

    /// Why `/use` answered 401 (for the logs of the object; the shopper just signs in again).
    #[derive(Serialize)]
    struct Refusal {
        reason: &'static str,
    }

    #[derive(Deserialize)]
    struct Row {
        user_id: String,
        name: Option<String>,
        access_token: String,
        access_expires_ms: u64,
        access_lifetime_ms: u64,
        refresh_token: Option<String>,
        last_seen_ms: u64,
        expires_ms: u64,
        idle_ms: u64,
    }

    impl Row {
        fn times(&self) -> Times {
            Times {
                last_seen_ms: self.last_seen_ms,
                expires_ms: self.expires_ms,
                idle_ms: self.idle_ms,
            }
        }
    }

    /// How the one refresh in flight ended; every request waiting for it gets a copy.
    #[derive(Clone, Copy, Debug)]
    enum RefreshFailure {
        /// The identity service refused the refresh token: the session is over.
        Refused,
        /// The session ended while the refresh was in flight.
        Ended,
        /// The identity service could not be asked; the status the request would fail with.
        Unavailable(u16),
    }

    type Flight = Shared<LocalBoxFuture<'static, Result<(), RefreshFailure>>>;

    #[durable_object]
    pub struct SessionObject {
        state: Rc<State>,
        env: Env,
        /// The refresh in flight, if any: later requests that need one wait for it.
        refreshing: Rc<RefCell<Option<Flight>>>,
    }

    fn now_ms() -> u64 {
        crate::platform::now_ms()
    }

    fn int(value: u64) -> SqlStorageValue {
        SqlStorageValue::Integer(i64::try_from(value).unwrap_or(i64::MAX))
    }

    fn refused(reason: &'static str) -> worker::Result<Response> {
        Ok(Response::from_json(&Refusal { reason })?.with_status(401))
    }

    impl DurableObject for SessionObject {
        fn new(state: State, env: Env) -> Self {
            Self {
                state: Rc::new(state),
                env,
                refreshing: Rc::new(RefCell::new(None)),
            }
        }

        async fn fetch(&self, mut request: Request) -> worker::Result<Response> {
            let request_id = RequestId::from_header(
                request
                    .headers()
                    .get(request_id::HEADER)
                    .ok()
                    .flatten()
                    .as_deref(),
            );
            match request.path().as_str() {
                "/create" => {
                    let new: NewSession = request.json().await?;
                    self.create(new).await
                }
                "/use" => self.use_session(request_id).await,
                "/end" => self.end().await,
                _ => Response::error("no such call", 404),
            }
        }

        /// The session's end, or a later one if the shopper was active since it was set.
        async fn alarm(&self) -> worker::Result<Response> {
            match self.load() {
                Some(row) if row.times().liveness(now_ms()) == Liveness::Live => {
                    self.schedule(row.times().idle_expires_ms()).await?;
                }
                _ => self.erase().await?,
            }
            Response::empty()
        }
    }

    impl SessionObject {
        fn load(&self) -> Option<Row> {
            // No table yet (an id nobody created, or one already ended) reads as no session.
            let cursor = self
                .state
                .storage()
                .sql()
                .exec(
                    "SELECT user_id, name, access_token, access_expires_ms, access_lifetime_ms,
                        refresh_token, last_seen_ms, expires_ms, idle_ms
                     FROM session WHERE id = 1",
                    None,
                )
                .ok()?;
            cursor.to_array::<Row>().ok()?.into_iter().next()
        }

        async fn schedule(&self, at_ms: u64) -> worker::Result<()> {
            let date =
                worker::js_sys::Date::new(&worker::wasm_bindgen::JsValue::from_f64(at_ms as f64));
            self.state
                .storage()
                .set_alarm(worker::ScheduledTime::new(date))
                .await
        }

        /// Forgets everything: tokens, times, the alarm.
        async fn erase(&self) -> worker::Result<()> {
            let storage = self.state.storage();
            storage.delete_alarm().await?;
            storage.delete_all().await
        }

        async fn create(&self, new: NewSession) -> worker::Result<Response> {
            let now = now_ms();
            let sql = self.state.storage().sql();
            sql.exec(SCHEMA, None)?;
            sql.exec(
                "INSERT OR REPLACE INTO session (id, user_id, name, access_token,
                    access_expires_ms, access_lifetime_ms, refresh_token, created_ms,
                    last_seen_ms, expires_ms, idle_ms)
                 VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                vec![
                    new.user_id.clone().into(),
                    new.name.clone().into(),
                    new.access_token.clone().into(),
                    int(new.access_expires_ms),
                    int(new.access_lifetime_ms),
                    new.refresh_token.into(),
                    int(now),
                    int(now),
                    int(new.expires_ms),
                    int(new.idle_ms),
                ],
            )?;
            let times = Times {
                last_seen_ms: now,
                expires_ms: new.expires_ms,
                idle_ms: new.idle_ms,
            };
            self.schedule(times.idle_expires_ms()).await?;
            Response::from_json(&Current {
                user_id: new.user_id,
                name: new.name,
                access_token: new.access_token,
                expires_ms: new.expires_ms,
                idle_expires_ms: times.idle_expires_ms(),
            })
        }

        async fn use_session(&self, request_id: RequestId) -> worker::Result<Response> {
            let Some(row) = self.load() else {
                return refused("no_session");
            };
            match row.times().liveness(now_ms()) {
                Liveness::Live => {}
                Liveness::Idle => {
                    self.erase().await?;
                    return refused("idle_timeout");
                }
                Liveness::Expired => {
                    self.erase().await?;
                    return refused("expired");
                }
            }
            if let Some(refresh_token) = row.refresh_token.clone()
                && refresh_due(row.access_expires_ms, row.access_lifetime_ms, now_ms())
            {
                match self.flight(refresh_token, request_id).await {
                    Ok(()) => {}
                    Err(RefreshFailure::Refused) => {
                        self.erase().await?;
                        return refused("refresh_refused");
                    }
                    Err(RefreshFailure::Ended) => return refused("no_session"),
                    // The token has a little life left: serve this request with it.
                    Err(RefreshFailure::Unavailable(_)) if now_ms() < row.access_expires_ms => {}
                    // The status the request fails with (502, 503 or 504).
                    Err(RefreshFailure::Unavailable(status)) => {
                        return Ok(Response::empty()?.with_status(status));
                    }
                }
            }
            let Some(row) = self.load() else {
                return refused("no_session");
            };
            let now = now_ms();
            self.state.storage().sql().exec(
                "UPDATE session SET last_seen_ms = ? WHERE id = 1",
                vec![int(now)],
            )?;
            let times = Times {
                last_seen_ms: now,
                ..row.times()
            };
            Response::from_json(&Current {
                user_id: row.user_id,
                name: row.name,
                access_token: row.access_token,
                expires_ms: row.expires_ms,
                idle_expires_ms: times.idle_expires_ms(),
            })
        }

        async fn end(&self) -> worker::Result<Response> {
            let ended = self.load().map_or_else(Ended::default, |row| Ended {
                user_id: Some(row.user_id),
                refresh_token: row.refresh_token,
            });
            self.erase().await?;
            Response::from_json(&ended)
        }

        /// The refresh in flight, or a new one. It runs to its end on its own (spawned), so a
        /// request that goes away cannot abandon a refresh token the identity service has
        /// already redeemed.
        fn flight(&self, refresh_token: String, request_id: RequestId) -> Flight {
            if let Some(flight) = self.refreshing.borrow().clone() {
                return flight;
            }
            let state = Rc::clone(&self.state);
            let env = self.env.clone();
            let slot = Rc::clone(&self.refreshing);
            let flight = async move {
                let outcome = refresh(&state, &env, &refresh_token, request_id).await;
                slot.borrow_mut().take();
                outcome
            }
            .boxed_local()
            .shared();
            *self.refreshing.borrow_mut() = Some(flight.clone());
            worker::wasm_bindgen_futures::spawn_local(flight.clone().map(|_| ()));
            flight
        }
    }

    /// Redeems the refresh token at the identity service and stores the new tokens.
    async fn refresh(
        state: &State,
        env: &Env,
        refresh_token: &str,
        request_id: RequestId,
    ) -> Result<(), RefreshFailure> {
        let var = |name: &str| env.var(name).ok().map(|value| value.to_string());
        let config = OriginConfig::from_vars(&[Service::Identity], var).map_err(|errors| {
            console_error!("{errors}");
            RefreshFailure::Unavailable(500)
        })?;
        let origins = OriginClient::new(Rc::new(config), request_id, Timings::default(), now_ms());
        let grant = match origins.identity().refresh(refresh_token).await {
            Ok(grant) => grant,
            Err(error) if matches!(error.failure, Failure::Status(400 | 401)) => {
                return Err(RefreshFailure::Refused);
            }
            Err(error) => {
                console_error!("session refresh failed: {error}");
                return Err(RefreshFailure::Unavailable(BffError::from(error).status()));
            }
        };
        let now = now_ms();
        let lifetime_ms = grant.expires_in.saturating_mul(1000);
        let stored = state
            .storage()
            .sql()
            .exec(
                "UPDATE session SET access_token = ?, access_expires_ms = ?,
                    access_lifetime_ms = ?, refresh_token = COALESCE(?, refresh_token)
                 WHERE id = 1 RETURNING id",
                vec![
                    grant.access_token.into(),
                    int(now.saturating_add(lifetime_ms)),
                    int(lifetime_ms),
                    grant.refresh_token.clone().into(),
                ],
            )
            .and_then(|cursor| cursor.to_array::<serde_json::Value>())
            .is_ok_and(|rows| !rows.is_empty());
        if stored {
            return Ok(());
        }
        // Ended meanwhile (logout): the tokens just issued must not outlive it.
        if let Some(token) = grant.refresh_token
            && let Err(error) = origins.identity().revoke(&token).await
        {
            console_error!("revoking the refresh token of an ended session failed: {error}");
        }
        Err(RefreshFailure::Ended)
    }
}
