//! Which way the server's imports point (ARCHITECTURE.md, "Which way imports point"), read
//! from the sources as they are compiled: every `crate::`, `super::` and `self::` path in a
//! file is an arrow to the file of the module it names. Two files that reach each other
//! through arrows are a circle, and a circle is refused: it is how `startup` once imported
//! every domain while every domain imported `startup` for its state.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's file, relative to `src/` and without `.rs` (`otp/verify`, `otp/mod`, `lib`).
type File = String;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files() -> Vec<File> {
    let root = src();
    let mut found = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&root).unwrap().with_extension("");
                found.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

/// The module path of a file: `otp/mod` and `otp` are `["otp"]`, `lib` and `main` the root.
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file.split('/').map(str::to_owned).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The file that holds a module path's longest existing prefix.
fn file_of(module: &[String], known: &BTreeSet<File>) -> Option<File> {
    (0..=module.len()).rev().find_map(|len| {
        let joined = module[..len].join("/");
        let candidates = match len {
            0 => vec!["lib".to_owned()],
            _ => vec![joined.clone(), format!("{joined}/mod")],
        };
        candidates.into_iter().find(|c| known.contains(c))
    })
}

/// The code of a file without its comments, string literals and inline test module (whose
/// `super::*` is the file itself, and whose helpers are not the product's arrows).
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            'r' if chars.peek() == Some(&'#') => {
                let rest: String = chars.clone().take(2).collect();
                if rest == "#\"" {
                    chars.nth(1);
                    let mut previous = ' ';
                    for c in chars.by_ref() {
                        if previous == '"' && c == '#' {
                            break;
                        }
                        previous = c;
                    }
                    out.push_str("\"\"");
                } else {
                    out.push(c);
                }
            }
            // A character literal (a lifetime has no closing quote after one character).
            '\'' => {
                let ahead: Vec<char> = chars.clone().take(3).collect();
                match ahead.as_slice() {
                    [_, '\'', ..] => {
                        chars.nth(1);
                        out.push_str("''");
                    }
                    ['\\', ..] => {
                        for c in chars.by_ref() {
                            if c == '\'' {
                                break;
                            }
                        }
                        out.push_str("''");
                    }
                    _ => out.push(c),
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match (escaped, c) {
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => escaped = false,
                    }
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

fn ident(chars: &[char], at: &mut usize) -> Option<String> {
    let start = *at;
    while *at < chars.len() && (chars[*at].is_alphanumeric() || chars[*at] == '_') {
        *at += 1;
    }
    (*at > start).then(|| chars[start..*at].iter().collect())
}

fn skip_space(chars: &[char], at: &mut usize) {
    while *at < chars.len() && chars[*at].is_whitespace() {
        *at += 1;
    }
}

/// The paths that start at `at` (just after `crate::`), a `{…}` group expanded.
fn paths(chars: &[char], at: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    skip_space(chars, at);
    if chars.get(*at) == Some(&'{') {
        *at += 1;
        loop {
            skip_space(chars, at);
            match chars.get(*at) {
                Some('}') | None => {
                    *at += 1;
                    return;
                }
                Some(',') => *at += 1,
                _ => {
                    let before = *at;
                    paths(chars, at, prefix.clone(), out);
                    // ` as name`, `*` and anything else that names nothing further.
                    while *at < chars.len() && !matches!(chars[*at], ',' | '}') {
                        *at += 1;
                    }
                    if *at == before {
                        *at += 1;
                    }
                }
            }
        }
    }
    let mut path = prefix;
    while let Some(name) = ident(chars, at) {
        path.push(name);
        if chars.get(*at) == Some(&':') && chars.get(*at + 1) == Some(&':') {
            *at += 2;
            if chars.get(*at) == Some(&'{') {
                return paths(chars, at, path, out);
            }
        } else {
            break;
        }
    }
    out.push(path);
}

/// The module paths a file's code names, as absolute paths from the crate root.
fn named_modules(file: &str, code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let here = module_of(file);
    let mut found = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let preceded_by_ident =
            at > 0 && (chars[at - 1].is_alphanumeric() || chars[at - 1] == '_' || chars[at - 1] == ':');
        let rest: String = chars[at..chars.len().min(at + 15)].iter().collect();
        let start = match () {
            _ if preceded_by_ident => None,
            _ if rest.starts_with("crate::") => Some((7, Vec::new())),
            // The binary reaches the library by its name.
            _ if rest.starts_with("netbank_server::") => Some((15, Vec::new())),
            _ if rest.starts_with("super::") => Some((7, here[..here.len().saturating_sub(1)].to_vec())),
            _ if rest.starts_with("self::") => Some((6, here.clone())),
            _ => None,
        };
        match start {
            Some((skip, prefix)) => {
                at += skip;
                paths(&chars, &mut at, prefix, &mut found);
            }
            None => at += 1,
        }
    }
    found
}

/// Every file's arrows to other files.
fn arrows() -> BTreeMap<File, BTreeSet<File>> {
    let known: BTreeSet<File> = files().into_iter().collect();
    known
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(src().join(format!("{file}.rs"))).unwrap();
            let targets = named_modules(file, &code(&text))
                .iter()
                .filter_map(|module| file_of(module, &known))
                .filter(|target| target != file && target != "lib")
                .collect();
            (file.clone(), targets)
        })
        .collect()
}

/// Groups of files that reach each other (Tarjan's strongly connected components), larger
/// than one file.
fn circles(arrows: &BTreeMap<File, BTreeSet<File>>) -> Vec<Vec<File>> {
    struct Walk<'a> {
        arrows: &'a BTreeMap<File, BTreeSet<File>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<File>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, file: &'a str) {
            let number = self.index.len();
            self.index.insert(file, number);
            self.low.insert(file, number);
            self.stack.push(file);
            self.on_stack.insert(file);
            for target in self.arrows.get(file).into_iter().flatten() {
                if !self.index.contains_key(target.as_str()) {
                    self.visit(target);
                    let low = self.low[file].min(self.low[target.as_str()]);
                    self.low.insert(file, low);
                } else if self.on_stack.contains(target.as_str()) {
                    let low = self.low[file].min(self.index[target.as_str()]);
                    self.low.insert(file, low);
                }
            }
            if self.low[file] == self.index[file] {
                let mut group = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack.remove(member);
                    group.push(member.to_owned());
                    if member == file {
                        break;
                    }
                }
                if group.len() > 1 {
                    group.sort();
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        arrows,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for file in arrows.keys() {
        if !walk.index.contains_key(file.as_str()) {
            walk.visit(file);
        }
    }
    walk.found
}

fn importers_of(arrows: &BTreeMap<File, BTreeSet<File>>, target: &str) -> Vec<File> {
    arrows.iter().filter(|(_, targets)| targets.contains(target)).map(|(file, _)| file.clone()).collect()
}

#[test]
fn the_reader_sees_grouped_and_relative_paths() {
    let source = "use crate::{a::{b, c::D}, e};\nuse super::f::G;\nfn x() { crate::h::i(); self::j(); }";
    let named = named_modules("otp/verify", source);
    let named: Vec<String> = named.iter().map(|p| p.join("::")).collect();
    assert_eq!(named, ["a::b", "a::c::D", "e", "otp::f::G", "h::i", "otp::verify::j"]);
    assert_eq!(code("let a = \"crate::x\"; // crate::y\n"), "let a = \"\"; \n");
    assert_eq!(code("let q = '\"'; crate::z::W"), "let q = ''; crate::z::W");
    assert_eq!(code("let s = r#\"say \"crate::x\"\"#; 'a'"), "let s = \"\"; ''");
}

#[test]
fn a_circle_is_found_however_long() {
    let graph = |edges: &[(&str, &str)]| {
        let mut arrows: BTreeMap<File, BTreeSet<File>> = BTreeMap::new();
        for (from, to) in edges {
            arrows.entry(from.to_string()).or_default().insert(to.to_string());
            arrows.entry(to.to_string()).or_default();
        }
        arrows
    };
    let found = circles(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("d", "a"), ("d", "e")]));
    assert_eq!(found, [["a", "b", "c"]]);
    assert!(circles(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
}

#[test]
fn no_two_files_import_each_other_even_through_others() {
    let arrows = arrows();
    assert!(arrows.len() > 50, "the sources were not found: {arrows:?}");
    let circles = circles(&arrows);
    let described: Vec<String> = circles
        .iter()
        .map(|group| {
            let inside: BTreeSet<&File> = group.iter().collect();
            let edges: Vec<String> = group
                .iter()
                .flat_map(|from| {
                    arrows[from].iter().filter(|to| inside.contains(to)).map(move |to| format!("{from} → {to}"))
                })
                .collect();
            format!("{} files: {}", group.len(), edges.join(", "))
        })
        .collect();
    assert!(described.is_empty(), "import circles:\n{}", described.join("\n"));
}

#[test]
fn only_the_binary_and_the_operator_cli_start_the_server() {
    let arrows = arrows();
    assert_eq!(importers_of(&arrows, "startup"), ["cli"]);
}

#[test]
fn the_leaves_import_nothing_of_the_crate() {
    let arrows = arrows();
    for leaf in ["error", "ids", "money", "clock"] {
        assert!(arrows[leaf].is_empty(), "{leaf}.rs imports {:?}", arrows[leaf]);
    }
}

#[test]
fn the_store_imports_no_domain_nor_http() {
    let arrows = arrows();
    let offenders: Vec<String> = arrows
        .iter()
        .filter(|(file, _)| file.starts_with("store/"))
        .flat_map(|(file, targets)| {
            targets
                .iter()
                .filter(|t| {
                    !(t.starts_with("store/")
                        || ["db", "clock", "error", "transfer_policy", "ids", "money"].contains(&t.as_str()))
                })
                .map(move |t| format!("{file} → {t}"))
        })
        .collect();
    assert!(offenders.is_empty(), "the store reaches up: {offenders:?}");
}
