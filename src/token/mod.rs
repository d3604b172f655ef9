//! The demo software token (docs/otp.md, The token app): what the customer opens from the issuance
//! mail on their phone. Built only with the `token` feature.

pub mod clock_check;
pub mod codes;
pub mod frame;
pub mod landing;
pub mod setup;
pub mod store;

use wasm_bindgen::JsCast;

/// Makes the token installable and usable offline once set up: the manifest (linked only
/// on token pages, so the banking site is not installable as the token) and a service
/// worker that keeps what it has served.
pub fn make_installable() {
    let Some(window) = web_sys::window() else { return };
    if let Some(document) = window.document() {
        if document.query_selector("link[rel=manifest]").ok().flatten().is_none() {
            if let (Ok(link), Some(head)) = (document.create_element("link"), document.head()) {
                let link: web_sys::HtmlLinkElement = link.unchecked_into();
                link.set_rel("manifest");
                link.set_href("/token.webmanifest");
                let _ = head.append_child(&link);
            }
        }
    }
    let options = web_sys::RegistrationOptions::new();
    options.set_scope("/token");
    let _ = window.navigator().service_worker().register_with_options("/token-sw.js", &options);
}
