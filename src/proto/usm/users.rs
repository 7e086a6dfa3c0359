//! Where a user's keys come from: the `UserLookup` trait over a table of users
//! (`UserTable`), one user's `Credentials`, or a closure.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Credentials, EngineId, UserKeys, UserName};

/// Where the keys for (engine id, user) come from: a table of users, one user's
/// `Credentials`, or a closure.
pub trait UserLookup {
    /// The keys of `user` localized to `engine_id`; None when there is no such user.
    fn lookup(&mut self, engine_id: &EngineId, user: &UserName) -> Option<Arc<UserKeys>>;

    /// Every key `user` may have for `engine_id`, to try in turn (`trial::first_verifying`):
    /// a receiver may hold one user name with several secrets. The default is `lookup`'s.
    fn candidates(&mut self, engine_id: &EngineId, user: &UserName) -> Vec<Arc<UserKeys>> {
        self.lookup(engine_id, user).into_iter().collect()
    }
}

impl<F> UserLookup for F
where
    F: FnMut(&EngineId, &UserName) -> Option<Arc<UserKeys>>,
{
    fn lookup(&mut self, engine_id: &EngineId, user: &UserName) -> Option<Arc<UserKeys>> {
        self(engine_id, user)
    }
}

/// A manager holds one user's credentials: they answer for that user name only.
impl UserLookup for Credentials {
    fn lookup(&mut self, engine_id: &EngineId, user: &UserName) -> Option<Arc<UserKeys>> {
        // `Credentials::new` checked the protocols, so derivation cannot fail here.
        (self.user() == user)
            .then(|| self.keys_for(engine_id).ok())
            .flatten()
    }
}

impl UserLookup for Arc<Credentials> {
    fn lookup(&mut self, engine_id: &EngineId, user: &UserName) -> Option<Arc<UserKeys>> {
        (self.user() == user)
            .then(|| self.keys_for(engine_id).ok())
            .flatten()
    }
}

/// An agent's or receiver's users (usmUserTable): keys are derived for whichever engine id
/// a message names, and cached per user.
#[derive(Default, Debug, Clone)]
pub struct UserTable {
    users: HashMap<UserName, Arc<Credentials>>,
}

impl UserTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a user; returns the one replaced.
    pub fn insert(&mut self, credentials: Credentials) -> Option<Arc<Credentials>> {
        self.users
            .insert(credentials.user().clone(), Arc::new(credentials))
    }

    pub fn get(&self, user: &UserName) -> Option<&Arc<Credentials>> {
        self.users.get(user)
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }
}

impl UserLookup for UserTable {
    fn lookup(&mut self, engine_id: &EngineId, user: &UserName) -> Option<Arc<UserKeys>> {
        self.users.get(user)?.keys_for(engine_id).ok()
    }
}
