//! The payments bundle (payments.html): the signed-in screens that move money (振込・振替, ペイジー).
#[cfg(target_arch = "wasm32")]
fn main() {
    netbank_web::start(netbank_web::app::PaymentsApp);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("netbank's bundles run in the browser: build them with `./x spa` (Trunk), run them with `./x run`.");
    std::process::exit(2);
}
