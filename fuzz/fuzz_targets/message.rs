//! Any datagram through every decoder a captured or received message meets: the lenient
//! decoder, the strict second opinion, USM's header parse, and `mibscope decode`'s report.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = mibscope::proto::Message::decode(data);
    let _ = mibscope::proto::strict::check(data);
    let _ = mibscope::proto::usm::inspect(data);
    let _ = mibscope::cli::decode::describe(data, false);
});
