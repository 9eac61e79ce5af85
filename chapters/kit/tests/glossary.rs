//! The glossary (`book/src/glossary.md`) names only code that exists and links only
//! sections that exist.
//!
//! Every code name in an entry's "Code: `A`, `B`." must be a public item of the
//! workspace: a `pub fn|struct|enum|trait|const|type|mod|static` in a source file under
//! `autograd/src`, `models/src` or `chapters/*/src` (a method counts; `Type::method`
//! needs both, the method in a file with an `impl` of the type). Every relative link
//! must name a file that exists, and its `#anchor` a heading of that page (ids as mdBook
//! makes them) or an explicit `id="..."` on it.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

fn glossary_path(root: &Path) -> PathBuf {
    root.join("book").join("src").join("glossary.md")
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The public items declared on one line: `pub [const|unsafe|async] KIND NAME`.
fn public_items(line: &str) -> Vec<String> {
    const KINDS: [&str; 8] = ["fn", "struct", "enum", "trait", "const", "type", "mod", "static"];
    let toks: Vec<&str> = line.split_whitespace().collect();
    let mut found = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if *t != "pub" {
            continue;
        }
        let mut j = i + 1;
        while j < toks.len() && matches!(toks[j], "unsafe" | "async" | "extern" | "\"C\"") {
            j += 1;
        }
        // `pub const fn name`: the kind is fn.
        if toks.get(j) == Some(&"const") && toks.get(j + 1) == Some(&"fn") {
            j += 1;
        }
        let (Some(kind), Some(name)) = (toks.get(j), toks.get(j + 1)) else { continue };
        if !KINDS.contains(kind) {
            continue;
        }
        let name: String = name.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if !name.is_empty() {
            found.push(name);
        }
    }
    found
}

/// The workspace's public items: name -> the files declaring it.
struct Items {
    files: HashMap<String, Vec<PathBuf>>,
    texts: HashMap<PathBuf, String>,
}

impl Items {
    fn scan(root: &Path) -> Items {
        let mut dirs = vec![root.join("autograd/src"), root.join("models/src")];
        if let Ok(chapters) = fs::read_dir(root.join("chapters")) {
            let mut crates: Vec<_> = chapters.flatten().map(|e| e.path().join("src")).collect();
            crates.sort();
            dirs.extend(crates);
        }
        let mut paths = Vec::new();
        for d in &dirs {
            rust_files(d, &mut paths);
        }
        let mut items = Items { files: HashMap::new(), texts: HashMap::new() };
        for p in paths {
            let Ok(text) = fs::read_to_string(&p) else { continue };
            for line in text.lines() {
                for name in public_items(line) {
                    items.files.entry(name).or_default().push(p.clone());
                }
            }
            items.texts.insert(p, text);
        }
        items
    }

    /// Why `name` (`Item` or `Type::method`) is not a public item, if it is not.
    fn missing(&self, name: &str) -> Option<String> {
        let segments: Vec<&str> = name.split("::").collect();
        for s in &segments {
            if !self.files.contains_key(*s) {
                return Some(format!("`{s}` is not a public item of the workspace"));
            }
        }
        if let [.., ty, method] = segments[..] {
            let implements = |text: &str| {
                text.lines().any(|l| {
                    let l = l.trim_start();
                    l.starts_with("impl")
                        && l.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == ty)
                })
            };
            let ok = self.files[method].iter().any(|f| implements(&self.texts[f]));
            if !ok {
                return Some(format!("no file with an `impl` of `{ty}` declares `pub fn {method}`"));
            }
        }
        None
    }
}

/// The code names of every "Code: `A`, `B` and `C`." in `text`.
fn code_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (start, _) in text.match_indices("Code: ") {
        let mut rest = &text[start + "Code: ".len()..];
        while let Some(after) = rest.strip_prefix('`') {
            let Some(end) = after.find('`') else { break };
            names.push(after[..end].to_string());
            // Separators: ", ", " and ", a line break.
            rest = after[end + 1..].strip_prefix(',').unwrap_or(&after[end + 1..]).trim_start();
            if let Some(more) = rest.strip_prefix("and")
                && more.starts_with(char::is_whitespace)
            {
                rest = more.trim_start();
            }
        }
    }
    names
}

/// The targets of the relative markdown links `[text](target)` in `text`, outside
/// code spans and fences.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for (i, _) in line.match_indices("](") {
            let target = &line[i + 2..];
            let Some(end) = target.find(')') else { continue };
            let target = &target[..end];
            if !target.contains("://") && !target.starts_with("mailto:") {
                out.push(target.to_string());
            }
        }
    }
    out
}

/// A heading's id as mdBook makes it: the text without markup, lowercased, spaces to
/// hyphens, punctuation other than `-` and `_` dropped.
fn heading_id(heading: &str) -> String {
    let mut text = String::new();
    let mut chars = heading.chars().peekable();
    // Keep a link's text, drop its target.
    while let Some(c) = chars.next() {
        if c == ']' && chars.peek() == Some(&'(') {
            for d in chars.by_ref() {
                if d == ')' {
                    break;
                }
            }
        } else {
            text.push(c);
        }
    }
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// The anchors a page offers: its headings' ids (a repeated id gets `-1`, `-2`, ... as in
/// mdBook; `{#id}` overrides) and every explicit `id="..."`.
fn anchors(page: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut fenced = false;
    for line in page.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            let text = line[hashes..].trim();
            let id = match text.rfind("{#") {
                Some(i) if text.ends_with('}') => {
                    text[i + 2..text.len() - 1].split_whitespace().next().unwrap_or("").to_string()
                }
                _ => heading_id(text),
            };
            let n = counts.entry(id.clone()).or_insert(0);
            ids.insert(if *n == 0 { id.clone() } else { format!("{id}-{n}") });
            *n += 1;
        }
        for (i, _) in line.match_indices("id=\"") {
            let rest = &line[i + 4..];
            if let Some(end) = rest.find('"') {
                ids.insert(rest[..end].to_string());
            }
        }
    }
    ids
}

/// Every problem of `glossary` (the text of `book/src/glossary.md`, whose links are
/// relative to `book/src`) against the repository at `root`: code names that are not
/// public items, links to missing files, anchors that are no heading of their page.
fn check_glossary(root: &Path, glossary: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let items = Items::scan(root);
    let names = code_names(glossary);
    if names.is_empty() {
        problems.push("no \"Code: `Name`\" in the glossary".to_string());
    }
    for name in &names {
        if let Some(why) = items.missing(name) {
            problems.push(format!("code name `{name}`: {why}"));
        }
    }
    let src = root.join("book").join("src");
    for target in links(glossary) {
        let (file, anchor) = match target.split_once('#') {
            Some((f, a)) => (f, Some(a)),
            None => (target.as_str(), None),
        };
        let page =
            if file.is_empty() { Ok(glossary.to_string()) } else { fs::read_to_string(src.join(file)) };
        let Ok(page) = page else {
            problems.push(format!("link `{target}`: no file book/src/{file}"));
            continue;
        };
        if let Some(anchor) = anchor
            && !anchors(&page).contains(anchor)
        {
            problems.push(format!(
                "link `{target}`: no heading or id `{anchor}` in {}",
                if file.is_empty() { "the glossary" } else { file }
            ));
        }
    }
    problems
}

fn committed() -> (PathBuf, String) {
    let root = kit::cli::repo_root();
    let text = fs::read_to_string(glossary_path(&root)).expect("book/src/glossary.md");
    (root, text)
}

/// The problems `broken` has that `text` has not (so that these tests do not depend on
/// the committed glossary being clean: that is the first test's job).
fn new_problems(root: &Path, text: &str, broken: &str) -> Vec<String> {
    let before = check_glossary(root, text);
    check_glossary(root, broken).into_iter().filter(|p| !before.contains(p)).collect()
}

#[test]
fn the_committed_glossary_names_real_code_and_real_sections() {
    let (root, text) = committed();
    let problems = check_glossary(&root, &text);
    assert!(problems.is_empty(), "the glossary has {} problem(s):\n{}", problems.len(), problems.join("\n"));
    // Every entry links where it is first used, and the entries are in alphabetical
    // order (case and punctuation ignored).
    let entries: Vec<String> = text
        .split("\n\n")
        .filter(|p| p.starts_with("<a id="))
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert!(entries.len() >= 70, "{} entries", entries.len());
    let mut terms = Vec::new();
    for e in &entries {
        assert!(e.contains("First used: ["), "an entry without its first use: {e}");
        let term = e.split("**").nth(1).unwrap_or_else(|| panic!("an entry without its **term**: {e}"));
        terms.push(
            term.to_lowercase().chars().filter(|c| c.is_alphanumeric() || *c == ' ').collect::<String>(),
        );
    }
    for pair in terms.windows(2) {
        assert!(pair[0] <= pair[1], "not in alphabetical order: `{}` before `{}`", pair[0], pair[1]);
    }
    // The checker saw what it should: the code names and the chapter links.
    assert!(code_names(&text).len() >= 50, "{:?}", code_names(&text));
    assert!(links(&text).iter().filter(|l| l.starts_with("ch")).count() >= 70);
}

#[test]
fn a_made_up_code_name_fails() {
    let (root, text) = committed();
    for (name, expected) in [
        ("definitely_not_an_item", "`definitely_not_an_item` is not a public item"),
        ("LowRank::definitely_not_a_method", "`definitely_not_a_method` is not a public item"),
        // Both exist, but `gibbs` is not a method of `LowRank`.
        ("LowRank::gibbs", "no file with an `impl` of `LowRank` declares `pub fn gibbs`"),
    ] {
        let broken = text.replacen("Code: `LowRank`", &format!("Code: `{name}`"), 1);
        assert_ne!(broken, text, "the glossary names `LowRank`");
        let new = new_problems(&root, &text, &broken);
        assert!(new.len() == 1 && new[0].contains(expected), "{name}: {new:?}");
    }
}

#[test]
fn a_made_up_anchor_or_page_fails() {
    let (root, text) = committed();
    let link = "ch09-low-rank-fusion/index.md#low-rank-fusion)";
    for (replacement, expected) in [
        ("ch09-low-rank-fusion/index.md#no-such-section)", "no heading or id `no-such-section`"),
        ("ch99-no-such-chapter/index.md#low-rank-fusion)", "no file book/src/ch99-no-such-chapter/index.md"),
        ("#no-such-entry)", "no heading or id `no-such-entry` in the glossary"),
    ] {
        let broken = text.replacen(link, replacement, 1);
        assert_ne!(broken, text, "the glossary links {link}");
        let new = new_problems(&root, &text, &broken);
        assert!(new.len() == 1 && new[0].contains(expected), "{replacement}: {new:?}");
    }
}

#[test]
fn the_lecture_statements_korean_terms_are_the_glossarys() {
    let (_, text) = committed();
    // A term may wrap across lines in the markdown.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for s in kit::lecture::STATEMENTS {
        assert!(text.contains(&format!("({})", s.korean)), "{}: the glossary has no ({})", s.id, s.korean);
    }
}

#[test]
fn heading_ids_are_mdbooks() {
    assert_eq!(
        heading_id("Summary: the lecture's statements and the bars"),
        "summary-the-lectures-statements-and-the-bars"
    );
    assert_eq!(heading_id("Step 1, and the formed product"), "step-1-and-the-formed-product");
    assert_eq!(heading_id("[Chapter 1: autodiff](ch01-autodiff/index.md)"), "chapter-1-autodiff");
    let page = "# T\n## A b\n```\n## Not a heading\n```\n## A b\n### Own {#mine}\n<a id=\"x\"></a>";
    let ids: Vec<String> = anchors(page).into_iter().collect();
    assert_eq!(ids, ["a-b", "a-b-1", "mine", "t", "x"]);
    assert_eq!(public_items("    pub const fn higher(name: &str) -> Metric {"), ["higher"]);
    assert_eq!(public_items("pub const ACC2: Metric = Metric::higher(\"Acc-2\");"), ["ACC2"]);
    assert!(public_items("pub(crate) fn hidden() {}").is_empty());
    assert_eq!(code_names("x. Code: `A`, `B::c` and\n`D`. Then `E`."), ["A", "B::c", "D"]);
}
