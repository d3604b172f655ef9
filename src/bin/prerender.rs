//! Writes BLI001 into the login bundle's page at build time (`./x spa`): reads the page Trunk
//! built (`index.html`), keeps it as it was for the bundle's other screens (`login.html`,
//! drawn by the browser) and writes `index.html` again with the login screen's title and HTML
//! rendered from the same components the bundle hydrates, and its style sheet inline: the
//! first paint then waits for no other request (the server allows the `<style>` by its hash).
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
    let rendered = with_inline_style(&with_login(&built, &title, &body)?, |href| {
        let file = dir.join(href.trim_start_matches('/'));
        std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))
    })?;
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

/// `page` with its one style sheet link replaced by a `<style>` holding what `read` gives for
/// the link's address. Trunk writes the link's attributes quoted (development) or bare
/// (release), in any order.
fn with_inline_style(page: &str, read: impl Fn(&str) -> Result<String, String>) -> Result<String, String> {
    let mut links = Vec::new();
    let mut from = 0;
    while let Some(at) = page[from..].find("<link") {
        let start = from + at;
        let end = start + page[start..].find('>').ok_or("a <link> is not closed")? + 1;
        let attributes: Vec<&str> = page[start + 5..end - 1].trim_end_matches('/').split_ascii_whitespace().collect();
        let value = |name: &str| {
            attributes.iter().find_map(|attribute| {
                let (key, value) = attribute.split_once('=')?;
                (key == name).then(|| value.trim_matches(['"', '\'']))
            })
        };
        if value("rel") == Some("stylesheet") {
            links.push((start, end, value("href").ok_or("a style sheet <link> without href")?));
        }
        from = end;
    }
    let [(start, end, href)] = links[..] else {
        return Err(format!("the page links {} style sheets, not one", links.len()));
    };
    let css = read(href)?;
    // `</style` would end the element early; `<script` or `<style` would be read as an inline
    // element of its own by the server, which hashes those into the CSP.
    let lower = css.to_ascii_lowercase();
    if let Some(tag) = ["</style", "<style", "<script"].into_iter().find(|tag| lower.contains(tag)) {
        return Err(format!("{href} holds `{tag}`, which a page's inline style sheet must not"));
    }
    Ok(format!("{}<style>{css}</style>{}", &page[..start], &page[end..]))
}

#[cfg(test)]
mod tests {
    use super::{with_inline_style, with_login};

    #[test]
    fn the_style_sheet_link_becomes_a_style_element_in_either_of_trunk_s_forms() {
        let css = |href: &str| Ok(format!("/*{href}*/body{{margin:0}}"));
        let release =
            "<head><link href=/icon.svg rel=icon><link href=/main-1.css integrity=sha384-x rel=stylesheet></head>";
        assert_eq!(
            with_inline_style(release, css).unwrap(),
            "<head><link href=/icon.svg rel=icon><style>/*/main-1.css*/body{margin:0}</style></head>"
        );
        let development = "<head><link rel=\"stylesheet\" href=\"/main-2.css\" integrity=\"sha384-y\"/></head>";
        assert_eq!(
            with_inline_style(development, css).unwrap(),
            "<head><style>/*/main-2.css*/body{margin:0}</style></head>"
        );
    }

    #[test]
    fn a_page_without_exactly_one_style_sheet_or_a_sheet_that_would_close_the_element_is_refused() {
        let css = |_: &str| Ok("a{}".to_owned());
        assert!(with_inline_style("<head></head>", css).is_err());
        let two = "<link rel=stylesheet href=/a.css><link rel=stylesheet href=/b.css>";
        assert!(with_inline_style(two, css).is_err());
        let closing = |_: &str| Ok("a{}</STYLE><script>x()</script>".to_owned());
        assert!(with_inline_style("<link rel=stylesheet href=/a.css>", closing).is_err());
        let opening = |_: &str| Ok("a{content:\"<script>\"}".to_owned());
        assert!(with_inline_style("<link rel=stylesheet href=/a.css>", opening).is_err());
        let missing = |href: &str| Err(format!("{href}: not found"));
        assert!(with_inline_style("<link rel=stylesheet href=/a.css>", missing).is_err());
    }

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
