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
    /// `bank.html`: ホーム, the first screen of every visit, and every address no other
    /// bundle claims.
    Bank,
    /// `accounts.html`: 口座情報 (入出金明細 and its CSV).
    Accounts,
    /// `payments.html`: the signed-in screens that move money (振込・振替, ペイジー).
    Payments,
    /// `settings.html`: the signed-in 各種お申込・手続き (ワンタイムパスワード, パスキー,
    /// お客様情報, ログイン履歴, セッション).
    Settings,
    /// `token.html`: the demo token app under `/token` (not in a production build).
    Token,
}

impl Bundle {
    /// Whether this is one of the signed-in app's bundles (the bank's and `SIGNED_IN_SECTIONS`').
    pub fn is_signed_in(self) -> bool {
        self == Bundle::Bank || SIGNED_IN_SECTIONS.iter().any(|(_, bundle)| *bundle == self)
    }
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

/// The signed-in bundles other than the bank's, each with the addresses it holds: an address
/// and everything under it. The signed-in app is split so that the first download after a
/// login is ホーム's alone; moving between these bundles is a page load.
pub const SIGNED_IN_SECTIONS: [(&str, Bundle); 8] = [
    ("/accounts", Bundle::Accounts),
    ("/transfer", Bundle::Payments),
    ("/payeasy", Bundle::Payments),
    ("/otp", Bundle::Settings),
    ("/passkeys", Bundle::Settings),
    ("/profile", Bundle::Settings),
    ("/logins", Bundle::Settings),
    ("/sessions", Bundle::Settings),
];

/// Whether `path` is `section` or under it (`/transfers` is not under `/transfer`).
fn within(path: &str, section: &str) -> bool {
    path.strip_prefix(section).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

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
    } else if within(path, "/token") {
        Bundle::Token
    } else {
        SIGNED_IN_SECTIONS.iter().find(|(section, _)| within(path, section)).map_or(Bundle::Bank, |(_, bundle)| *bundle)
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
            ("/accounts", Bundle::Accounts),
            ("/accountsx", Bundle::Bank),
            ("/transfer", Bundle::Payments),
            ("/transfer/other", Bundle::Payments),
            ("/transfer/interbank/history/", Bundle::Payments),
            ("/payeasy", Bundle::Payments),
            ("/transfers", Bundle::Bank),
            ("/otp/issue", Bundle::Settings),
            ("/passkeys/new", Bundle::Settings),
            ("/profile", Bundle::Settings),
            ("/logins", Bundle::Settings),
            ("/sessions", Bundle::Settings),
            ("/otpx", Bundle::Bank),
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
    fn the_signed_in_bundles_are_the_bank_and_its_sections() {
        for bundle in [Bundle::Bank, Bundle::Accounts, Bundle::Payments, Bundle::Settings] {
            assert!(bundle.is_signed_in(), "{bundle:?}");
        }
        for bundle in [Bundle::Login, Bundle::Registration, Bundle::Token] {
            assert!(!bundle.is_signed_in(), "{bundle:?}");
        }
    }

    #[test]
    fn the_login_bundle_picks_its_screen_by_the_same_table() {
        assert_eq!(login_screen("/"), Some(LoginScreen::Login));
        assert_eq!(login_screen("/login/otp/"), Some(LoginScreen::OtpLogin));
        assert_eq!(login_screen("/home"), None);
    }
}
