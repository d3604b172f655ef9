//! The accounts bundle (accounts.html): 口座情報 (入出金明細 and its CSV).
#[cfg(target_arch = "wasm32")]
fn main() {
    netbank_web::start(netbank_web::app::AccountsApp);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("netbank's bundles run in the browser: build them with `./x spa` (Trunk), run them with `./x run`.");
    std::process::exit(2);
}
