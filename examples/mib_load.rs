//! Loads MIBs the way the CLI does and prints what it took: used by bench/mib-load.sh.
//!
//! usage: mib_load MODULES DIRS [--no-cache] [--cache-dir DIR]
//! (MODULES and DIRS in -m/-M syntax, e.g. `ALL` and `/a:/b`)

use std::time::Instant;

use mibscope::mib::ModuleStatus;
use mibscope::mib_store::{self, MibConfig};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: mib_load MODULES DIRS [--no-cache] [--cache-dir DIR]");
        std::process::exit(2);
    }
    let env = |k: &str| std::env::var(k).ok();
    let mut config = MibConfig::resolve(Some(&args[1]), Some(&args[2]), &env);
    let mut i = 3;
    while i < args.len() {
        match args[i].as_str() {
            "--no-cache" => config.cache_dir = None,
            "--cache-dir" => {
                i += 1;
                config.cache_dir = args.get(i).map(Into::into);
            }
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
        i += 1;
    }
    let start = Instant::now();
    let loaded = mib_store::load(&config);
    let elapsed = start.elapsed();
    let mib = &loaded.mib;
    let mut loaded_modules = 0;
    let mut present = 0;
    for m in mib.modules() {
        let s = mib.module_status(m).unwrap_or(ModuleStatus::Missing);
        if s != ModuleStatus::Missing {
            present += 1;
        }
        if s.is_loaded() {
            loaded_modules += 1;
        }
    }
    println!(
        "load_ms={:.1} from_cache={} modules_loaded={loaded_modules}/{present} nodes={} defs={} files_seen={} files_parsed={} heap_mb={:.1}",
        elapsed.as_secs_f64() * 1000.0,
        loaded.report.from_cache,
        mib.node_count(),
        mib.def_count(),
        loaded.report.files_seen,
        loaded.report.files_parsed,
        mib.heap_bytes() as f64 / 1_048_576.0
    );
    if std::env::var("MIB_LOAD_STATS").is_ok() {
        println!("{:?}", mib.stats());
    }
    for n in &loaded.report.cache_notes {
        eprintln!("cache: {n}");
    }
    // The CLI keeps its MIB in a static for the life of the process and never frees it;
    // do the same here so the figures match (freeing 60 MB just before exit is wasted work).
    std::mem::forget(loaded);
}
