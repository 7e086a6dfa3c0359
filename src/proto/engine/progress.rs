//! What an observed operation goes through before its outcome, for a UI to show ("retry
//! 2/5", "discovering engine"): the engine queues a `ProgressEvent` at each step of an
//! operation started with `Engine::start_observed`, and the driver polls them like events.

use std::fmt;

use super::{Engine, MaxRepetitions, OpId, Purpose};
use crate::proto::pdu::RequestId;
use crate::proto::usm::{EngineId, PrivProtocol, UsmReport};

/// One step on the way to an operation's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// A request (or one part of a split one) went out: transmission `attempt` of at most
    /// `attempts` (retries + 1); `attempt > 1` is a retransmission after a timeout.
    Sent { attempt: u32, attempts: u32 },
    /// SNMPv3: the agent's engine is not known yet and a discovery probe went out
    /// (RFC 3414 section 4), transmission `attempt` of at most `attempts`.
    Discovering { attempt: u32, attempts: u32 },
    /// SNMPv3: discovery answered with the agent's engine id.
    Discovered { engine_id: EngineId },
    /// SNMPv3: the agent answered with this Report (notInTimeWindows after a reboot,
    /// unknownEngineIDs after a swap); the engine took its clock or id and sends again.
    Resynchronising { report: UsmReport },
    /// The agent answered tooBig; the engine asks again for less.
    TooBig(TooBigRecovery),
    /// `--aes-key-extension auto`: privacy failed; trying the other AES key extension.
    OtherKeyExtension { trying: PrivProtocol },
}

/// How a tooBig answer is recovered from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TooBigRecovery {
    /// A Get/GetNext/Set of `varbinds` varbinds is sent again as two halves.
    Split { varbinds: usize },
    /// A GetBulk is sent again with this many repetitions.
    FewerRepetitions { max_repetitions: MaxRepetitions },
}

/// A `Progress` of the operation `op`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgressEvent {
    pub op: OpId,
    pub progress: Progress,
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Progress::Sent { attempt: 1, .. } => f.write_str("request sent"),
            Progress::Sent { attempt, attempts } => {
                write!(f, "no reply yet: retry {}/{}", attempt - 1, attempts - 1)
            }
            Progress::Discovering { attempt: 1, .. } => {
                f.write_str("discovering the agent's engine")
            }
            Progress::Discovering { attempt, attempts } => write!(
                f,
                "discovering the agent's engine: retry {}/{}",
                attempt - 1,
                attempts - 1
            ),
            Progress::Discovered { engine_id } => write!(f, "agent engine {engine_id}"),
            Progress::Resynchronising { report } => {
                write!(f, "resynchronising with the agent ({})", report.name())
            }
            Progress::TooBig(TooBigRecovery::Split { varbinds }) => write!(
                f,
                "reply too big: asking for {varbinds} varbinds in two halves"
            ),
            Progress::TooBig(TooBigRecovery::FewerRepetitions { max_repetitions }) => write!(
                f,
                "reply too big: asking again with {} repetitions",
                max_repetitions.0
            ),
            Progress::OtherKeyExtension { trying } => {
                write!(f, "privacy failed: trying -x {trying}")
            }
        }
    }
}

impl Engine {
    /// Queues `progress` for `op` if it is observed.
    pub(super) fn report(&mut self, op: OpId, progress: Progress) {
        if self.ops.get(&op).is_some_and(|s| s.observed) {
            self.progress.push_back(ProgressEvent { op, progress });
        }
    }

    /// Queues `progress` for each observed operation waiting on the agent at `dest`'s
    /// engine discovery, once per operation.
    pub(super) fn report_to_waiting(&mut self, ops: &[OpId], progress: &Progress) {
        let mut seen: Vec<OpId> = Vec::new();
        for &op in ops {
            if !seen.contains(&op) {
                seen.push(op);
                self.report(op, progress.clone());
            }
        }
    }

    /// A transmission of `request_id` went out (its `attempt`th).
    pub(super) fn report_transmission(&mut self, request_id: RequestId, attempt: u32) {
        let Some(f) = self.inflight.get(&request_id) else {
            return;
        };
        match f.purpose {
            Purpose::Part { op, .. } => {
                let Some(state) = self.ops.get(&op).filter(|s| s.observed) else {
                    return;
                };
                let attempts = state.target.retries.saturating_add(1);
                self.report(op, Progress::Sent { attempt, attempts });
            }
            Purpose::Discovery => {
                let dest = f.dest;
                let attempts = self.discovery_retries(dest).saturating_add(1);
                let waiting = self.waiting_for_discovery(dest);
                self.report_to_waiting(&waiting, &Progress::Discovering { attempt, attempts });
            }
        }
    }
}
