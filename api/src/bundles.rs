//! Which of the SPA's bundles answers an address (ARCHITECTURE.md): the server sends that
//! bundle's page, and the login bundle, which has no router, picks its screen by the same
//! table. One list, so the two cannot disagree.

/// The SPA's bundles, each its own Trunk entry point and page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// `index.html`: BLI001 (rendered into the page by the build) and BLI023.
    Login,
    /// `registration.html`: 初回利用登録 (BLI002–BLI004), once in a customer's life: kept out
    /// of the login bundle every visit downloads.
    Registration,
    /// `bank.html`: the signed-in app, and every address no other bundle claims.
    Bank,
    /// `token.html`: the demo token app under `/token` (not in a production build).
    Token,
}

/// The login bundle's screens, one per address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginScreen {
    Login,
    OtpLogin,
}

/// The login bundle's addresses.
pub const LOGIN_PATHS: [(&str, LoginScreen); 2] = [("/", LoginScreen::Login), ("/login/otp", LoginScreen::OtpLogin)];

/// 初回利用登録's address (its own bundle).
pub const REGISTRATION_PATH: &str = "/registration";

/// `/registration/` is `/registration`; `/` stays itself.
fn normalised(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/"
    } else {
        trimmed
    }
}

/// The login bundle's screen at `path`, if the path is the login bundle's.
pub fn login_screen(path: &str) -> Option<LoginScreen> {
    let path = normalised(path);
    LOGIN_PATHS.iter().find(|(at, _)| *at == path).map(|(_, screen)| *screen)
}

/// The bundle whose page answers `path`.
pub fn bundle_for(path: &str) -> Bundle {
    let path = normalised(path);
    if login_screen(path).is_some() {
        Bundle::Login
    } else if path == REGISTRATION_PATH {
        Bundle::Registration
    } else if path == "/token" || path.starts_with("/token/") {
        Bundle::Token
    } else {
        Bundle::Bank
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_bundle() {
        for (path, bundle) in [
            ("/", Bundle::Login),
            ("/registration", Bundle::Registration),
            ("/registration/", Bundle::Registration),
            ("/login/otp", Bundle::Login),
            ("/home", Bundle::Bank),
            ("/transfer/other", Bundle::Bank),
            ("/login", Bundle::Bank),
            ("/token", Bundle::Token),
            ("/token/setup", Bundle::Token),
            ("/tokenx", Bundle::Bank),
            ("/no/such/page", Bundle::Bank),
        ] {
            assert_eq!(bundle_for(path), bundle, "{path}");
        }
    }

    #[test]
    fn the_login_bundle_picks_its_screen_by_the_same_table() {
        assert_eq!(login_screen("/"), Some(LoginScreen::Login));
        assert_eq!(login_screen("/login/otp/"), Some(LoginScreen::OtpLogin));
        assert_eq!(login_screen("/home"), None);
    }
}
