#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(netbank_web::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("netbank-web runs in the browser: build it with `./x spa` (Trunk), run it with `./x run`.");
    std::process::exit(2);
}
