//! First loads: the bytes on the wire of each bundle's page (BLI001's login bundle, the
//! signed-in bank, the token app), the time until the login form is shown and takes input,
//! with the CPU as it is and slowed 4× (a mid-range phone), each against a static HTML form
//! served by the same server and against BLI001's own HTML without its bundle, and the time
//! until ホーム shows the customer's accounts after a login.
//!
//! Each load is a fresh browser (an empty cache) that has already opened a file of the site and
//! whose start-up has settled, as a customer's running browser is.

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

/// Until the machine's cores are idle (at least 90 % over 100 ms, at most 5 s): a browser
/// that has just started, or the one before it shutting down, would otherwise share the two
/// cores with the page being timed, by amounts that differ from one load to the next.
async fn settle() -> anyhow::Result<()> {
    // `/proc/stat`'s first line: cumulative jiffies per state; the fourth and fifth are idle
    // and iowait.
    let read = || -> anyhow::Result<(u64, u64)> {
        let stat = std::fs::read_to_string("/proc/stat")?;
        let line = stat.lines().next().unwrap_or_default();
        let jiffies: Vec<u64> = line.split_whitespace().skip(1).filter_map(|n| n.parse().ok()).collect();
        let idle = jiffies.get(3).copied().unwrap_or(0) + jiffies.get(4).copied().unwrap_or(0);
        Ok((idle, jiffies.iter().sum()))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        let (idle_before, total_before) = read()?;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (idle, total) = read()?;
        let busy_share = 1.0 - (idle - idle_before) as f64 / (total - total_before).max(1) as f64;
        if busy_share <= 0.1 {
            break;
        }
    }
    Ok(())
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
        // The site's renderer started by an unhashed file of the origin (no bundle loads), as
        // a customer's running browser has one: Chromium's start-up is not the page's cost.
        browser.client.goto(&format!("{base}/favicon.svg")).await?;
        if let Some((name, value)) = session.and_then(|cookie| cookie.split_once('=')) {
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
        // An animation frame can find the element before any frame is painted (4× slowed,
        // BLI001's first paint came up to 270 ms after): usable is when it is in the page and
        // the page has painted, the later of the two.
        let watch = format!(
            "const check = () => {{ const el = document.querySelector('{selector}');
               if (el && !el.disabled) window.__found = performance.now(); else requestAnimationFrame(check); }};
             requestAnimationFrame(check);"
        );
        browser.on_every_page(&watch).await?;
        settle().await?;
        // After settling: Chromium's throttling keeps a core busy.
        if cpu_slowdown > 1.0 {
            browser.throttle_cpu(cpu_slowdown).await?;
        }
        browser.client.goto(&format!("{base}{page}")).await?;
        let script = "const done = arguments[0];
             const wait = () => {
               const painted = performance.getEntriesByName('first-contentful-paint')[0];
               if (window.__found === undefined || painted === undefined) return requestAnimationFrame(wait);
               done(Math.max(window.__found, painted.startTime));
             };
             wait();";
        let at = browser.client.execute_async(script, vec![]).await?;
        times.push(at.as_f64().unwrap_or(f64::NAN));
        browser.close().await?;
    }
    Ok(median(&mut times))
}

/// The first-load rows of `./x bench`'s table, each beside its reference of the same run.
pub struct Figures {
    login: Wire,
    bank: Wire,
    token: Option<Wire>,
    reference: Wire,
    login_ms: f64,
    reference_ms: f64,
    login_slow_ms: f64,
    reference_slow_ms: f64,
    /// BLI001's own HTML without its bundle.
    bare_ms: f64,
    bare_slow_ms: f64,
    home_ms: f64,
    home_slow_ms: f64,
}

impl Figures {
    /// `customers`: password-only login IDs; the last `2 × loads` each give ホーム one session.
    pub async fn measure(base: &str, customers: &[String], loads: usize) -> anyhow::Result<Figures> {
        eprintln!("first load: bytes…");
        let login = wire(base, "/").await?;
        let bank = wire(base, "/home").await?;
        let token = wire(base, "/token").await.ok();
        let reference = wire(base, crate::server::REFERENCE_PAGE).await?;
        eprintln!("first load: {loads} cold loads each, CPU as it is and slowed 4×…");
        let reference_page = crate::server::REFERENCE_PAGE;
        let login_ms = time_to_input(base, "/", "#field-login_id", loads, 1.0).await?;
        let reference_ms = time_to_input(base, reference_page, "#login_id", loads, 1.0).await?;
        let login_slow_ms = time_to_input(base, "/", "#field-login_id", loads, 4.0).await?;
        let reference_slow_ms = time_to_input(base, reference_page, "#login_id", loads, 4.0).await?;
        let bare_page = crate::server::WITHOUT_SCRIPTS_PAGE;
        let bare_ms = time_to_input(base, bare_page, "#field-login_id", loads, 1.0).await?;
        let bare_slow_ms = time_to_input(base, bare_page, "#field-login_id", loads, 4.0).await?;
        eprintln!("first load of ホーム after a login: {loads} cold loads each, CPU as it is and slowed 4×…");
        let mut sessions = Vec::new();
        // Customers of their own, each session used at once (later runs' logins may end it).
        for login_id in &customers[customers.len() - 2 * loads..] {
            sessions.push(crate::reads::session(base, login_id).await?);
        }
        let (sessions, slow_sessions) = sessions.split_at(loads);
        let home_ms = time_to_home(base, sessions, 1.0).await?;
        let home_slow_ms = time_to_home(base, slow_sessions, 4.0).await?;
        Ok(Figures {
            login,
            bank,
            token,
            reference,
            login_ms,
            reference_ms,
            login_slow_ms,
            reference_slow_ms,
            bare_ms,
            bare_slow_ms,
            home_ms,
            home_slow_ms,
        })
    }

    pub fn print_rows(&self, loads: usize) {
        let kb = |b: usize| b as f64 / 1000.0;
        let (login, reference) = (&self.login, &self.reference);
        println!(
            "| first load of BLI001 (login bundle), brotli | {:.1} KB | static form {:.1} KB | {:.0}× | ≤ 120 KB (stretch ≤ 85 KB) |",
            kb(login.brotli), kb(reference.brotli), login.brotli as f64 / reference.brotli as f64
        );
        println!(
            "| first load of BLI001 (login bundle), gzip | {:.1} KB | static form {:.1} KB | {:.0}× | |",
            kb(login.gzip),
            kb(reference.gzip),
            login.gzip as f64 / reference.gzip as f64
        );
        println!(
            "| first load of ホーム (bank bundle), brotli | {:.1} KB | login bundle {:.1} KB | {:.2}× | ≤ 150 KB |",
            kb(self.bank.brotli),
            kb(login.brotli),
            self.bank.brotli as f64 / login.brotli as f64
        );
        if let Some(token) = &self.token {
            println!(
                "| first load of the token app (token bundle, /token), brotli | {:.1} KB | login bundle {:.1} KB | | reported |",
                kb(token.brotli), kb(login.brotli)
            );
        }
        println!(
            "| login form shown and taking input (median of {loads} cold loads) | {:.0} ms | static form {:.0} ms | {:.2}× | ≤ 1.2× |",
            self.login_ms, self.reference_ms, self.login_ms / self.reference_ms
        );
        println!(
            "| the same, CPU slowed 4× (a mid-range phone) | {:.0} ms | static form {:.0} ms | {:.2}× | ≤ 1.2× |",
            self.login_slow_ms,
            self.reference_slow_ms,
            self.login_slow_ms / self.reference_slow_ms
        );
        println!(
            "| the same, against BLI001's own HTML without its bundle (the wasm's share) | {:.0} ms | without the bundle {:.0} ms | {:.2}× | reported |",
            self.login_ms, self.bare_ms, self.login_ms / self.bare_ms
        );
        println!(
            "| the same, CPU slowed 4× | {:.0} ms | without the bundle {:.0} ms | {:.2}× | reported |",
            self.login_slow_ms,
            self.bare_slow_ms,
            self.login_slow_ms / self.bare_slow_ms
        );
        println!(
            "| ホーム shows the accounts after a login (median of {loads} cold loads) | {:.0} ms | login form {:.0} ms | {:.2}× | ≤ 1.5× |",
            self.home_ms, self.login_ms, self.home_ms / self.login_ms
        );
        println!(
            "| the same, CPU slowed 4× | {:.0} ms | login form {:.0} ms | {:.2}× | ≤ 1.5× |",
            self.home_slow_ms,
            self.login_slow_ms,
            self.home_slow_ms / self.login_slow_ms
        );
    }

    pub fn print_files(&self) {
        println!("first-load files (brotli / gzip bytes):");
        let token = self.token.iter().flat_map(|t| &t.files);
        for (path, br, gz) in self.login.files.iter().chain(&self.bank.files).chain(token) {
            println!("  {path}: {br} / {gz}");
        }
    }
}
