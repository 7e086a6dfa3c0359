//! Any text as an agent snapshot (native lines or snmpwalk output).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = mibscope::agent::Snapshot::parse(&text, "fuzz.snapshot");
});
