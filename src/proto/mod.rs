//! The SNMP protocol core, sans-IO: BER, OIDs, values, PDUs, messages, and the state machines
//! for requests and walks. Nothing here touches a socket, a clock or a terminal; time comes in
//! as a parameter, bytes come in and go out as slices.

pub mod ber;
pub mod engine;
pub mod hex;
pub mod message;
pub mod oid;
pub mod pdu;
pub mod strict;
pub mod table_rows;
pub mod usm;
pub mod value;
pub mod walk;

pub use message::{Community, Message, Version};
pub use oid::Oid;
pub use pdu::{ErrorStatus, Pdu, PduBody, PduType, RequestId, VarBind};
pub use value::Value;
