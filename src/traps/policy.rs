//! Who may send, ready to check: the access policy (`Access`) with every configured key
//! derived (RFC 3414 A.2's 1 MiB hash per pass phrase, then localization, section 2.6):
//! each user's keys localized to this receiver's engine id for informs, and to the sender
//! engine id it is configured with for traps. Built away from reception (at start, on a
//! reload) and handed to the receiver whole.

use std::collections::HashMap;
use std::sync::Arc;

use super::access::Access;
use crate::proto::usm::{EngineId, UserKeys, UserLookup, UserName};

/// One user's keys, by name, for one engine id.
#[derive(Default)]
pub(super) struct KeyTable {
    pub(super) by_name: HashMap<UserName, Vec<Arc<UserKeys>>>,
}

impl UserLookup for KeyTable {
    fn lookup(&mut self, _: &EngineId, user: &UserName) -> Option<Arc<UserKeys>> {
        self.by_name.get(user).and_then(|k| k.first().cloned())
    }

    fn candidates(&mut self, _: &EngineId, user: &UserName) -> Vec<Arc<UserKeys>> {
        self.by_name.get(user).cloned().unwrap_or_default()
    }
}

/// Candidates computed for one message.
pub(super) struct Given(pub(super) Vec<Arc<UserKeys>>);

impl UserLookup for Given {
    fn lookup(&mut self, _: &EngineId, _: &UserName) -> Option<Arc<UserKeys>> {
        self.0.first().cloned()
    }

    fn candidates(&mut self, _: &EngineId, _: &UserName) -> Vec<Arc<UserKeys>> {
        self.0.clone()
    }
}

/// The access policy with every configured key derived: what a configuration reload
/// replaces. Building it costs milliseconds per pass-phrase user (RFC 3414 A.2's 1 MiB
/// hash), so callers build it away from reception and hand it over with
/// [`Receiver::set_policy`].
pub struct Policy {
    pub(super) access: Access,
    /// The engine id `inform_keys` are localized to.
    pub(super) engine_id: EngineId,
    /// Informs: every user's keys localized to our engine id.
    pub(super) inform_keys: KeyTable,
    /// Traps: keys per sender engine id and user, for users configured with an engine id.
    pub(super) trap_keys: HashMap<EngineId, HashMap<UserName, Vec<Arc<UserKeys>>>>,
    /// Users by name: index into `access.users`.
    pub(super) users_by_name: HashMap<UserName, Vec<usize>>,
}

impl Policy {
    /// Derives every user's keys for `engine_id` (this receiver's, for informs) and for
    /// the sender engine each is configured with.
    pub fn new(access: Access, engine_id: &EngineId) -> Policy {
        let mut inform_keys = KeyTable::default();
        let mut trap_keys: HashMap<EngineId, HashMap<UserName, Vec<Arc<UserKeys>>>> =
            HashMap::new();
        let mut users_by_name: HashMap<UserName, Vec<usize>> = HashMap::new();
        for (i, user) in access.users.iter().enumerate() {
            let name = user.credentials.user().clone();
            users_by_name.entry(name.clone()).or_default().push(i);
            // `Credentials::new` checked the protocols: derivation cannot fail.
            if let Ok(keys) = user.credentials.keys_for(engine_id) {
                inform_keys
                    .by_name
                    .entry(name.clone())
                    .or_default()
                    .push(keys);
            }
            if let Some(eid) = &user.engine_id {
                if let Ok(keys) = user.credentials.keys_for(eid) {
                    trap_keys
                        .entry(eid.clone())
                        .or_default()
                        .entry(name)
                        .or_default()
                        .push(keys);
                }
            }
        }
        Policy {
            access,
            engine_id: engine_id.clone(),
            inform_keys,
            trap_keys,
            users_by_name,
        }
    }

    pub fn access(&self) -> &Access {
        &self.access
    }

    /// The keys of `user`'s credentials configured without an engine id, localized to
    /// `engine_id`: the candidates for a learned (or to be learned) sender engine.
    pub(super) fn unbound_keys(&self, engine_id: &EngineId, user: &UserName) -> Vec<Arc<UserKeys>> {
        let Some(indexes) = self.users_by_name.get(user) else {
            return Vec::new();
        };
        indexes
            .iter()
            .map(|&i| &self.access.users[i])
            .filter(|u| u.engine_id.is_none())
            .filter_map(|u| u.credentials.keys_for(engine_id).ok())
            .collect()
    }
}
