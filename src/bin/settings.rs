//! The settings bundle (settings.html): the signed-in 各種お申込・手続き and the customer's records.
#[cfg(target_arch = "wasm32")]
fn main() {
    netbank_web::start(netbank_web::app::SettingsApp);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("netbank's bundles run in the browser: build them with `./x spa` (Trunk), run them with `./x run`.");
    std::process::exit(2);
}
