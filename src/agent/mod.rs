//! The simulated agent: serves a snapshot of an agent over UDP, with faults on demand.
