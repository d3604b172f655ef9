//! The browser and operating-system families a User-Agent names, by ua-parser's rules
//! (uap-core's `regexes.yaml`, shipped as `server/data/ua-regexes.yaml`; `./x ua-data`
//! refreshes it): the first rule that matches names the family, from its replacement or its
//! first group.
//!
//! The rules are compiled over bytes without Unicode: a User-Agent the server reads is
//! visible ASCII (`HeaderValue::to_str`), and Unicode classes made the ~640 expressions
//! take 71 MB compiled and 101 MB once each had matched, against 13 and 17 MB this way, the
//! largest part of the server's memory. Nor is each given a one-pass DFA, regex's way to
//! take groups fast (2 MB more): only the one rule that matches takes its groups.

use regex_automata::meta::Regex;
use regex_automata::util::{captures::Captures, syntax};
use serde::Deserialize;

const SHIPPED: &str = include_str!("../../data/ua-regexes.yaml");

/// What is left when no rule matches, as ua-parser names it.
pub const OTHER: &str = "Other";

/// How much of a User-Agent the rules read. A browser's is 100–300 bytes. The header may be
/// nearly 500 KB, which some rules took over a second to scan, before any password was
/// checked and on the server's async workers.
pub const READ_BYTES: usize = 512;

/// The longest family kept from a rule's group (ua-parser's own longest is about 30).
const FAMILY_CHARS: usize = 32;

#[derive(Deserialize)]
struct File {
    user_agent_parsers: Vec<BrowserRule>,
    os_parsers: Vec<SystemRule>,
}

#[derive(Deserialize)]
struct BrowserRule {
    regex: String,
    family_replacement: Option<String>,
}

#[derive(Deserialize)]
struct SystemRule {
    regex: String,
    os_replacement: Option<String>,
}

struct Rule {
    regex: Regex,
    /// The pattern as written, lower-cased: the names it spells.
    spelled: String,
    replacement: Option<String>,
}

impl Rule {
    fn compile(pattern: &str, replacement: Option<String>) -> anyhow::Result<Self> {
        let regex = Regex::builder()
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .configure(Regex::config().onepass(false))
            .build(pattern)
            .map_err(|error| anyhow::anyhow!("ua-parser rule {pattern:?}: {error}"))?;
        Ok(Self { regex, spelled: pattern.to_ascii_lowercase(), replacement })
    }

    /// The family this rule names in `agent`, if it matches.
    fn family(&self, agent: &[u8]) -> Option<String> {
        if !self.regex.is_match(agent) {
            return None;
        }
        // What a name takes from the header reaches the customer's ログイン履歴 and the bank's
        // own new-environment mail, and some rules take whatever the sender wrote (up to 200
        // characters before ` CFNetwork`: `Call your bank now`). So a name is shown only as
        // the rule spells it: its fixed replacement, or groups the pattern names literally
        // (`(Firefox|Chrome)`), not free text (`(.{0,200})`, `([^/]+)`).
        let replacement = match self.replacement.as_deref() {
            Some(fixed) if !fixed.contains('$') => return Some(fixed.trim().to_owned()),
            Some(replacement) => replacement,
            None => "$1",
        };
        let mut captures = self.regex.create_captures();
        self.regex.captures(agent, &mut captures);
        let family = self.expand(replacement, agent, &captures);
        let family = family.as_deref().map(str::trim).unwrap_or_default();
        Some(if family.is_empty() || family.chars().count() > FAMILY_CHARS {
            OTHER.to_owned()
        } else {
            family.to_owned()
        })
    }

    /// `replacement` with each `$n` as the match's group `n` (empty where it took no part), or
    /// none if a group it uses is not spelled out in the pattern.
    fn expand(&self, replacement: &str, agent: &[u8], captures: &Captures) -> Option<String> {
        let mut out = String::with_capacity(replacement.len());
        let mut chars = replacement.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('$', Some(n)) => {
                    chars.next();
                    let text = group(agent, captures, n as usize);
                    if !text.is_empty() && !self.spelled.contains(&text.to_ascii_lowercase()) {
                        return None;
                    }
                    out.push_str(&text);
                }
                _ => out.push(c),
            }
        }
        Some(out)
    }
}

fn group(agent: &[u8], captures: &Captures, n: usize) -> String {
    captures.get_group(n).map(|span| String::from_utf8_lossy(&agent[span.range()]).into_owned()).unwrap_or_default()
}

/// The browsers' rules and the systems', in the file's order.
pub struct Rules {
    browsers: Vec<Rule>,
    systems: Vec<Rule>,
}

/// A User-Agent's browser and system families (`Chrome Mobile`, `Android`), `Other` where no
/// rule names one.
pub struct Families {
    pub browser: String,
    pub system: String,
}

impl Rules {
    /// The shipped rules, compiled.
    pub fn shipped() -> anyhow::Result<Self> {
        Self::parse(SHIPPED)
    }

    fn parse(text: &str) -> anyhow::Result<Self> {
        let file: File = serde_yaml::from_str(text)?;
        let browsers = file
            .user_agent_parsers
            .into_iter()
            .map(|rule| Rule::compile(&rule.regex, rule.family_replacement))
            .collect::<anyhow::Result<_>>()?;
        let systems = file
            .os_parsers
            .into_iter()
            .map(|rule| Rule::compile(&rule.regex, rule.os_replacement))
            .collect::<anyhow::Result<_>>()?;
        Ok(Self { browsers, systems })
    }

    /// The families of `agent`'s first [`READ_BYTES`].
    pub fn families(&self, agent: &str) -> Families {
        let agent = &agent.as_bytes()[..agent.len().min(READ_BYTES)];
        let first =
            |rules: &[Rule]| rules.iter().find_map(|rule| rule.family(agent)).unwrap_or_else(|| OTHER.to_owned());
        Families { browser: first(&self.browsers), system: first(&self.systems) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_compile_and_name_the_families_customers_use() {
        let rules = Rules::shipped().unwrap();
        let cases = [
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome Mobile", "Android"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Mobile Safari", "iOS"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge", "Windows"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari", "Mac OS X"),
            ("Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", "Firefox Mobile", "Android"),
            ("Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet", "Android"),
            ("curl/8.5.0", "curl", "Other"),
            ("", "Other", "Other"),
        ];
        for (agent, browser, system) in cases {
            let families = rules.families(agent);
            assert_eq!((families.browser.as_str(), families.system.as_str()), (browser, system), "{agent}");
        }
    }

    #[test]
    fn a_replacement_takes_the_groups_it_names() {
        let rules = Rules::parse(
            "user_agent_parsers:\n  - regex: '(Foo)Bar/(12|13)'\n    family_replacement: '$1 Browser $2$3'\n  - regex: '(Baz)'\n  - regex: '([a-z]+)/'\nos_parsers:\n  - regex: 'Qux'\n    os_replacement: 'Qux OS'\n",
        )
        .unwrap();
        let families = rules.families("FooBar/12 Qux");
        assert_eq!((families.browser.as_str(), families.system.as_str()), ("Foo Browser 12", "Qux OS"));
        assert_eq!(rules.families("Baz").browser, "Baz");
        // A group the pattern does not spell out names nothing.
        assert_eq!(rules.families("phish/").browser, OTHER);
        assert_eq!(rules.families("FooBar/14").browser, OTHER);
        assert_eq!(rules.families("nothing").system, OTHER);
    }

    #[test]
    fn what_a_sender_writes_into_a_rule_s_group_is_shown_only_if_the_rule_spells_it() {
        let rules = Rules::shipped().unwrap();
        // The rule `^(.{0,200})/(\d+)… CFNetwork` takes the text before the slash as the name.
        let notices = [
            "SECURITY NOTICE: call 0120-000-000 now or verify at https://netbank-verify.example/login/1 CFNetwork",
            "Call 0120 000 000 now/1 CFNetwork",
            "<img src=x onerror=alert(1)>/1 CFNetwork",
            "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW/1 CFNetwork",
        ];
        for agent in notices {
            assert_eq!(rules.families(agent).browser, OTHER, "{agent}");
        }
        // Phrases of plain words, a web address, digits in short groups: free text all the same.
        for phrase in ["Call your bank now", "Urgent Security Team", "netbank-verify.example", "Call 012 000 000 now"] {
            assert_eq!(rules.families(&format!("{phrase}/1 CFNetwork")).browser, OTHER, "{phrase}");
            assert_eq!(rules.families(&format!("{phrase} Bot/1.0")).browser, OTHER, "{phrase}");
        }
        // A name the rule spells out (`(…|curl|PycURL|Wget|…)`) is kept.
        assert_eq!(rules.families("Wget/1.21").browser, "Wget");
    }

    #[test]
    fn only_the_head_of_a_long_agent_is_read() {
        let rules = Rules::shipped().unwrap();
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
        // What lies past the head is never scanned: a name there is not found.
        let padded = format!("{}curl/8.5.0", "x".repeat(READ_BYTES));
        assert_eq!(rules.families(&padded).browser, OTHER);
        let long = format!("{android} {}", " x".repeat(200_000));
        let families = rules.families(&long);
        assert_eq!((families.browser.as_str(), families.system.as_str()), ("Chrome Mobile", "Android"));
    }

    #[test]
    fn a_rule_that_does_not_compile_is_refused_by_name() {
        let error = Rules::parse("user_agent_parsers:\n  - regex: '(unclosed'\nos_parsers: []\n").err().unwrap();
        assert!(error.to_string().contains("(unclosed"), "{error}");
    }
}
