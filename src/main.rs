//! The mibscope binary: parse arguments, run the subcommand on a single-threaded runtime,
//! and turn its outcome into the exit status (0 ok, 1 failure, 2 agent error-status).

use std::process::ExitCode;

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mibscope: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let args: Vec<String> = std::env::args().collect();
    let outcome = runtime.block_on(mibscope::cli::main_with_args(args));
    ExitCode::from(outcome.exit_code())
}
