//! Any file as a MIB module: lexed, parsed, linked and looked up without a panic or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mibscope::mib::{CompileOptions, Compiler};

fuzz_target!(|data: &[u8]| {
    let mut c = Compiler::new(CompileOptions::default());
    c.add_source("FUZZ-MIB.txt", data);
    c.request_all();
    let mib = c.finish();
    let _ = mib.resolve("FUZZ-MIB::x.1");
    let _ = mib.resolve("sysDescr.0");
});
