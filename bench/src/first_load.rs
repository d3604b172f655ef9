//! First loads: the bytes on the wire of each bundle's page (BLI001's login bundle, the
//! signed-in bank, the token app), the time until the login form takes input, with the CPU as
//! it is and slowed 4× (a mid-range phone), each against a static HTML form served by the
//! same server, and the time until ホーム shows the customer's accounts after a login.

use netbank_e2e::Browser;

use crate::stats::median;

pub struct Wire {
    pub brotli: usize,
    pub gzip: usize,
    pub files: Vec<(String, usize, usize)>,
}

async fn fetch_size(url: &str, encoding: &str) -> anyhow::Result<usize> {
    // No decompression in this client: the body is what crossed the wire.
    let response = reqwest::Client::new().get(url).header("accept-encoding", encoding).send().await?;
    anyhow::ensure!(response.status().is_success(), "{url}: {}", response.status());
    Ok(response.bytes().await?.len())
}

/// The HTML, JS, wasm and CSS a first visit to BLI001 downloads.
pub async fn wire(base: &str, page: &str) -> anyhow::Result<Wire> {
    let html = reqwest::get(format!("{base}{page}")).await?.text().await?;
    let mut paths = vec![page.to_owned()];
    // Trunk's minified HTML leaves attribute values unquoted.
    for piece in html.split(['"', '\'', ' ', '=', '>']) {
        let is_asset =
            piece.starts_with('/') && (piece.ends_with(".js") || piece.ends_with(".wasm") || piece.ends_with(".css"));
        if is_asset && !paths.contains(&piece.to_owned()) {
            paths.push(piece.to_owned());
        }
    }
    let mut wire = Wire { brotli: 0, gzip: 0, files: Vec::new() };
    for path in paths {
        let url = format!("{base}{path}");
        let (br, gz) = (fetch_size(&url, "br").await?, fetch_size(&url, "gzip").await?);
        wire.brotli += br;
        wire.gzip += gz;
        wire.files.push((path, br, gz));
    }
    Ok(wire)
}

/// Milliseconds from navigation start until `selector` is in the page and enabled at a frame
/// (what the customer sees and can type into), measured by the page's own clock, in a fresh browser (empty cache) each time; the median of `runs`.
/// `cpu_slowdown`: Chromium's CPU throttling rate (1: none).
pub async fn time_to_input(
    base: &str,
    page: &str,
    selector: &str,
    runs: usize,
    cpu_slowdown: f64,
) -> anyhow::Result<f64> {
    time_to(base, page, selector, &vec![None; runs], cpu_slowdown).await
}

/// Milliseconds from navigation start until ホーム shows the accounts (its table's first
/// row), as `time_to_input` measures, once per session cookie in `sessions` (each its own
/// customer's, a login made over the API): what a customer waits for after BLI001, with none
/// of the signed-in bundle in the browser's cache.
pub async fn time_to_home(base: &str, sessions: &[String], cpu_slowdown: f64) -> anyhow::Result<f64> {
    let sessions: Vec<_> = sessions.iter().map(|cookie| Some(cookie.as_str())).collect();
    time_to(base, "/home", "table.accounts tbody tr", &sessions, cpu_slowdown).await
}

/// One cold load per entry of `sessions` (a session cookie `name=value` set first, or none).
async fn time_to(
    base: &str,
    page: &str,
    selector: &str,
    sessions: &[Option<&str>],
    cpu_slowdown: f64,
) -> anyhow::Result<f64> {
    let mut times = Vec::new();
    for session in sessions {
        let browser = Browser::launch().await?;
        if cpu_slowdown > 1.0 {
            browser.throttle_cpu(cpu_slowdown).await?;
        }
        if let Some((name, value)) = session.and_then(|cookie| cookie.split_once('=')) {
            // A cookie is set on the page's origin: an unhashed file of it (no bundle loads).
            browser.client.goto(&format!("{base}/favicon.svg")).await?;
            let mut cookie = fantoccini::cookies::Cookie::new(name.to_owned(), value.to_owned());
            cookie.set_path("/");
            // As the server sets it; fantoccini's default, SameSite=None without Secure, is refused.
            cookie.set_same_site(cookie::SameSite::Strict);
            cookie.set_http_only(true);
            // ChromeDriver refuses a cookie without a domain.
            let host = base.split("://").nth(1).and_then(|rest| rest.split([':', '/']).next()).unwrap_or_default();
            cookie.set_domain(host.to_owned());
            browser.client.add_cookie(cookie).await?;
        }
        // Watched from the document's first moment, each frame, by a script that runs before
        // the page's own: WebDriver gets the page only after its load event, which a page whose
        // form is in its HTML reaches long after the form took input (its wasm is loading).
        let watch = format!(
            "const check = () => {{ const el = document.querySelector('{selector}');
               if (el && !el.disabled) window.__usable = performance.now(); else requestAnimationFrame(check); }};
             requestAnimationFrame(check);"
        );
        browser.on_every_page(&watch).await?;
        browser.client.goto(&format!("{base}{page}")).await?;
        let script = "const done = arguments[0];
             const wait = () => window.__usable === undefined ? requestAnimationFrame(wait) : done(window.__usable);
             wait();";
        let at = browser.client.execute_async(script, vec![]).await?;
        times.push(at.as_f64().unwrap_or(f64::NAN));
        browser.close().await?;
    }
    Ok(median(&mut times))
}
