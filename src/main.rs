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
    // The command runs as a spawned task rather than as block_on's root future: waking a
    // task from the runtime's own thread is a queue push, while waking the root future
    // writes to the driver's eventfd, one more syscall for every reply of a walk.
    let outcome =
        runtime.block_on(async { tokio::spawn(mibscope::cli::main_with_args(args)).await });
    // A host name lookup that outlived its time limit may still hold a blocking thread:
    // exit without waiting for it.
    runtime.shutdown_background();
    match outcome {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        // The panic hook printed the message and where it happened.
        Err(e) if e.is_panic() => {
            eprintln!("mibscope: stopped by an internal error (a bug: the message is above)");
            ExitCode::from(101)
        }
        Err(e) => {
            eprintln!("mibscope: internal error: {e}");
            ExitCode::from(1)
        }
    }
}
