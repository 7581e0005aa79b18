//! What one isolate knows about its cache traffic: which keys are being produced right now (so
//! concurrent misses share one fan-out) and when each key was last written (KV takes at most one
//! write per key per second).
//!
//! Followers wait by polling the shared slot on their own timers instead of awaiting the
//! leader's future: a Worker request may not be resumed from another request's I/O.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::Shaped;
use crate::error::{BffError, ErrorKind};

pub type Produced = Result<Shaped, BffError>;
pub type Slot = Rc<RefCell<Option<Produced>>>;

const MIN_WRITE_INTERVAL_MS: u64 = 1_000;
/// Keys remembered for the write limit; older ones are forgotten first.
const MAX_REMEMBERED_WRITES: usize = 4_096;

thread_local! {
    static IN_FLIGHT: RefCell<HashMap<String, Slot>> = RefCell::new(HashMap::new());
    static LAST_WRITE: RefCell<HashMap<String, u64>> = RefCell::new(HashMap::new());
}

pub enum Role {
    /// Nobody is producing this key: produce it and publish the result.
    Leader(Leader),
    /// Someone is: wait for their result.
    Follower(Slot),
}

/// Joins the production of `key`.
pub fn join(key: &str) -> Role {
    IN_FLIGHT.with(|in_flight| {
        let mut in_flight = in_flight.borrow_mut();
        if let Some(slot) = in_flight.get(key) {
            return Role::Follower(Rc::clone(slot));
        }
        let slot: Slot = Rc::new(RefCell::new(None));
        in_flight.insert(key.to_owned(), Rc::clone(&slot));
        Role::Leader(Leader {
            key: key.to_owned(),
            slot,
        })
    })
}

/// Whether someone in this isolate is producing `key` right now.
pub fn in_flight(key: &str) -> bool {
    IN_FLIGHT.with(|in_flight| in_flight.borrow().contains_key(key))
}

/// The duty to publish a key's result; if dropped unpublished (its request went away), the
/// followers are told so rather than left waiting.
pub struct Leader {
    key: String,
    slot: Slot,
}

impl Leader {
    pub fn publish(self, result: &Produced) {
        *self.slot.borrow_mut() = Some(result.clone());
        // Drop removes the key from the registry.
    }
}

impl Drop for Leader {
    fn drop(&mut self) {
        let mut slot = self.slot.borrow_mut();
        if slot.is_none() {
            *slot = Some(Err(BffError::new(
                ErrorKind::OriginUnavailable,
                "origin_unavailable",
                "The data for this page could not be fetched.",
            )));
        }
        IN_FLIGHT.with(|in_flight| in_flight.borrow_mut().remove(&self.key));
    }
}

/// Claims the write of `key` at `now_ms` if it was not written in the last second.
pub fn claim_write(key: &str, now_ms: u64) -> bool {
    LAST_WRITE.with(|last| {
        let mut last = last.borrow_mut();
        if last
            .get(key)
            .is_some_and(|at| now_ms.saturating_sub(*at) < MIN_WRITE_INTERVAL_MS)
        {
            return false;
        }
        if last.len() >= MAX_REMEMBERED_WRITES {
            last.retain(|_, at| now_ms.saturating_sub(*at) < MIN_WRITE_INTERVAL_MS);
        }
        last.insert(key.to_owned(), now_ms);
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shaped(body: &str) -> Produced {
        Ok(Shaped {
            body: body.as_bytes().to_vec(),
            degraded: false,
        })
    }

    #[test]
    fn the_first_leads_the_others_follow_and_see_its_result() {
        let Role::Leader(leader) = join("k1") else {
            panic!("first should lead")
        };
        let Role::Follower(slot) = join("k1") else {
            panic!("second should follow")
        };
        assert!(in_flight("k1"));
        assert!(slot.borrow().is_none());
        leader.publish(&shaped("page"));
        assert_eq!(slot.borrow().clone(), Some(shaped("page")));
        assert!(!in_flight("k1"));
        assert!(matches!(join("k1"), Role::Leader(_)));
    }

    #[test]
    fn a_leader_that_goes_away_releases_its_followers() {
        let Role::Leader(leader) = join("k2") else {
            panic!("first should lead")
        };
        let Role::Follower(slot) = join("k2") else {
            panic!("second should follow")
        };
        drop(leader);
        assert!(matches!(slot.borrow().as_ref(), Some(Err(_))));
        assert!(!in_flight("k2"));
    }

    #[test]
    fn one_write_per_key_per_second() {
        assert!(claim_write("w1", 10_000));
        assert!(!claim_write("w1", 10_999));
        assert!(claim_write("w2", 10_999));
        assert!(claim_write("w1", 11_000));
    }
}
