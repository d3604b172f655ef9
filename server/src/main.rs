//! `netbank-server`: the server and the operator's commands (`cli`).
// Built for wasm32 (wasm-pack builds every default member), the binary is empty.
#![cfg_attr(target_arch = "wasm32", no_main)]

#[cfg(not(target_arch = "wasm32"))]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use clap::Parser;
    keep_large_allocations_mapped();
    let cli = netbank_server::cli::Cli::parse();
    netbank_server::telemetry::init(cli.common.log_format);
    match cli.run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // One line for the operator, whatever RUST_BACKTRACE says; causes joined by ": ".
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// argon2 takes 19 MiB per hash. Once glibc's malloc has freed one such mmapped block it
/// raises its mmap threshold and serves later ones from its heaps, which keep the memory:
/// measured, 225 MiB resident after a login burst instead of 53. A fixed threshold keeps
/// large blocks mmapped, so each goes back to the system when its hash is done.
#[cfg(not(target_arch = "wasm32"))]
fn keep_large_allocations_mapped() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}
