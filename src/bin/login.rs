//! The login bundle (index.html): BLI001, 初回利用登録, BLI023.
#[cfg(target_arch = "wasm32")]
fn main() {
    netbank_web::login_app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("netbank's bundles run in the browser: build them with `./x spa` (Trunk), run them with `./x run`.");
    std::process::exit(2);
}
