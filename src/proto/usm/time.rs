//! Timeliness (RFC 3414 section 2.3 and section 3.2 step 7): the 150-second window an
//! authoritative engine applies to authenticated messages, and a non-authoritative engine's
//! notion of a remote engine's snmpEngineBoots/snmpEngineTime (kept per remote engine by the
//! caller, advanced with time passed in, updated from authentic messages).

use std::time::Instant;

use super::{EngineBoots, EngineId, EngineTime, UsmError};

/// RFC 3414 section 2.2.3: messages more than 150 seconds off are outside the window.
pub const TIME_WINDOW: u32 = 150;

/// RFC 3414 section 2.2.2: at 2147483647 boots an engine must be reconfigured (new keys).
pub const MAX_ENGINE_BOOTS: u32 = 2_147_483_647;

/// RFC 3414 3.2 step 7a: the authoritative engine's check of an authenticated message
/// against its own snmpEngineBoots and snmpEngineTime.
pub fn in_authoritative_window(
    local_boots: EngineBoots,
    local_time: EngineTime,
    msg_boots: EngineBoots,
    msg_time: EngineTime,
) -> bool {
    local_boots.0 != MAX_ENGINE_BOOTS
        && msg_boots == local_boots
        && local_time.0.abs_diff(msg_time.0) <= TIME_WINDOW
}

/// What a manager (or trap receiver) believes about one authoritative engine's clock
/// (RFC 3414 section 2.3: snmpEngineBoots, snmpEngineTime, latestReceivedEngineTime).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteEngine {
    engine_id: EngineId,
    boots: EngineBoots,
    /// The remote snmpEngineTime at `synced_at`.
    time: EngineTime,
    synced_at: Instant,
    latest_received_time: EngineTime,
}

impl RemoteEngine {
    /// From discovery: the engine id, boots and time of the agent's Report (RFC 3414 4).
    pub fn new(engine_id: EngineId, boots: EngineBoots, time: EngineTime, now: Instant) -> Self {
        RemoteEngine {
            engine_id,
            boots,
            time,
            synced_at: now,
            latest_received_time: time,
        }
    }

    pub fn engine_id(&self) -> &EngineId {
        &self.engine_id
    }

    pub fn boots(&self) -> EngineBoots {
        self.boots
    }

    /// The remote snmpEngineTime as we estimate it at `now`: what outgoing messages carry.
    pub fn time_at(&self, now: Instant) -> EngineTime {
        let elapsed = now.saturating_duration_since(self.synced_at).as_secs();
        let t = u64::from(self.time.0).saturating_add(elapsed);
        EngineTime(u32::try_from(t.min(u64::from(MAX_ENGINE_BOOTS))).unwrap_or(MAX_ENGINE_BOOTS))
    }

    /// RFC 3414 3.2 step 7b, for an authenticated message from this engine: take its
    /// boots/time if newer than what we had, then refuse it if it is older than our notion
    /// by more than the window (a replay, or an agent whose clock went back).
    pub fn observe(
        &mut self,
        boots: EngineBoots,
        time: EngineTime,
        now: Instant,
    ) -> Result<(), UsmError> {
        if boots > self.boots || (boots == self.boots && time > self.latest_received_time) {
            self.resync(boots, time, now);
        }
        let ours = self.time_at(now);
        let outside = self.boots.0 == MAX_ENGINE_BOOTS
            || boots < self.boots
            || (boots == self.boots
                && u64::from(time.0) + u64::from(TIME_WINDOW) < u64::from(ours.0));
        if outside {
            return Err(UsmError::NotInTimeWindow {
                engine_id: self.engine_id.clone(),
                boots,
                time,
                expected_boots: self.boots,
                expected_time: ours,
            });
        }
        Ok(())
    }

    /// Takes boots/time unconditionally: after an authenticated usmStatsNotInTimeWindows
    /// Report, or a re-discovery, when the agent restarted with fewer boots (a reset
    /// persistent store) and step 7b alone would never accept its clock again.
    pub fn resync(&mut self, boots: EngineBoots, time: EngineTime, now: Instant) {
        self.boots = boots;
        self.time = time;
        self.synced_at = now;
        self.latest_received_time = time;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn authoritative_window() {
        let (b, t) = (EngineBoots(3), EngineTime(1000));
        assert!(in_authoritative_window(b, t, b, t));
        assert!(in_authoritative_window(b, t, b, EngineTime(850)));
        assert!(in_authoritative_window(b, t, b, EngineTime(1150)));
        assert!(!in_authoritative_window(b, t, b, EngineTime(849)));
        assert!(!in_authoritative_window(b, t, b, EngineTime(1151)));
        assert!(!in_authoritative_window(b, t, EngineBoots(2), t));
        assert!(!in_authoritative_window(b, t, EngineBoots(4), t));
        let max = EngineBoots(MAX_ENGINE_BOOTS);
        assert!(!in_authoritative_window(max, t, max, t));
    }

    #[test]
    fn remote_clock_advances_with_time_passed_in() {
        let t0 = Instant::now();
        let r = RemoteEngine::new(
            EngineId::new(vec![1; 5]),
            EngineBoots(2),
            EngineTime(100),
            t0,
        );
        assert_eq!(r.time_at(t0), EngineTime(100));
        assert_eq!(r.time_at(t0 + Duration::from_millis(2500)), EngineTime(102));
        // A `now` before the sync does not go backwards.
        assert_eq!(r.time_at(t0 - Duration::from_secs(5)), EngineTime(100));
    }

    #[test]
    fn observe_follows_rfc3414_step_7b() {
        let t0 = Instant::now();
        let mut r = RemoteEngine::new(
            EngineId::new(vec![1; 5]),
            EngineBoots(2),
            EngineTime(100),
            t0,
        );
        let later = t0 + Duration::from_secs(200);
        // Newer time: taken.
        r.observe(EngineBoots(2), EngineTime(290), later).unwrap();
        assert_eq!(r.time_at(later), EngineTime(290));
        // Older but within 150 s of our notion: fine, nothing changes.
        r.observe(EngineBoots(2), EngineTime(150), later).unwrap();
        assert_eq!(r.time_at(later), EngineTime(290));
        // More than 150 s older: a replay.
        let err = r
            .observe(EngineBoots(2), EngineTime(139), later)
            .unwrap_err();
        assert!(matches!(err, UsmError::NotInTimeWindow { .. }), "{err}");
        // Fewer boots: refused, even with a fresh time.
        assert!(r.observe(EngineBoots(1), EngineTime(5000), later).is_err());
        // The agent rebooted: more boots, time restarts; taken.
        r.observe(EngineBoots(3), EngineTime(4), later).unwrap();
        assert_eq!(
            (r.boots(), r.time_at(later)),
            (EngineBoots(3), EngineTime(4))
        );
        // A reset agent (boots back to 1) is only accepted through resync.
        assert!(r.observe(EngineBoots(1), EngineTime(9), later).is_err());
        r.resync(EngineBoots(1), EngineTime(9), later);
        r.observe(EngineBoots(1), EngineTime(9), later).unwrap();
        // At the maximum boots nothing is accepted any more.
        r.resync(EngineBoots(MAX_ENGINE_BOOTS), EngineTime(1), later);
        assert!(
            r.observe(EngineBoots(MAX_ENGINE_BOOTS), EngineTime(1), later)
                .is_err()
        );
    }
}
