//! Writes BLI001 into the login bundle's page at build time (`./x spa`): reads the page Trunk
//! built (`index.html`), keeps it as it was for the bundle's other screens (`login.html`,
//! drawn by the browser) and writes `index.html` again with the login screen's title and HTML
//! rendered from the same components the bundle hydrates.
//!
//! Usage: `netbank-prerender DIR` (the login bundle's build output).

use std::path::Path;

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: netbank-prerender DIR (the login bundle's build output, with its index.html)");
        std::process::exit(2);
    };
    if let Err(error) = prerender(Path::new(&dir)) {
        eprintln!("netbank-prerender: {error}");
        std::process::exit(1);
    }
}

fn prerender(dir: &Path) -> Result<(), String> {
    let page = dir.join("index.html");
    let built = std::fs::read_to_string(&page).map_err(|e| format!("{}: {e}", page.display()))?;
    let (title, body) = netbank_web::prerender::render_login();
    let rendered = with_login(&built, &title, &body)?;
    let others = dir.join("login.html");
    std::fs::write(&others, &built).map_err(|e| format!("{}: {e}", others.display()))?;
    std::fs::write(&page, rendered).map_err(|e| format!("{}: {e}", page.display()))
}

/// `page` with `title` as its title and `body` as the first thing in its `<body>`: nothing
/// between the tag and the render, which hydration walks from the body's first child.
fn with_login(page: &str, title: &str, body: &str) -> Result<String, String> {
    let (before_title, rest) = page.split_once("<title>").ok_or("the page has no <title>")?;
    let (_, after_title) = rest.split_once("</title>").ok_or("the page's <title> is not closed")?;
    let body_start = after_title.find("<body").ok_or("the page has no <body>")?;
    let tag_end = body_start + after_title[body_start..].find('>').ok_or("the page's <body> is not closed")?;
    let (head, tag) = after_title[..tag_end].split_at(body_start);
    if tag.contains("data-prerendered") {
        return Err("the page already holds a render (build it anew)".into());
    }
    let title = title.replace('&', "&amp;").replace('<', "&lt;");
    Ok(format!(
        "{before_title}<title>{title}</title>{head}{tag} data-prerendered>{body}{}",
        &after_title[tag_end + 1..]
    ))
}

#[cfg(test)]
mod tests {
    use super::with_login;

    #[test]
    fn the_render_opens_the_body_and_the_title_is_the_screen_s() {
        let page = "<html><head><title>x</title></head>\n<body class=\"a\">\n<noscript>n</noscript></body></html>";
        let out = with_login(page, "ログイン | 組合", "<main>m</main>").unwrap();
        assert_eq!(
            out,
            "<html><head><title>ログイン | 組合</title></head>\n<body class=\"a\" data-prerendered><main>m</main>\n<noscript>n</noscript></body></html>"
        );
        assert!(with_login(&out, "t", "b").is_err(), "a page is rendered into once");
        assert!(with_login("<html></html>", "t", "b").is_err());
    }
}
