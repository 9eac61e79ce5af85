//! The book's own checks. mdBook renders a missing include file as an error, but a
//! misspelled or empty anchor silently as an empty block, and a missing image as a
//! broken picture: these tests catch all three, plus pages missing from SUMMARY.md.

use std::path::{Path, PathBuf};

fn book_src() -> PathBuf {
    kit::cli::repo_root().join("book").join("src")
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// `{{#include path}}` and `{{#include path:anchor}}` directives of a page.
fn includes(text: &str) -> Vec<(String, Option<String>)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{#include ") {
        let after = &rest[start + "{{#include ".len()..];
        let end = after.find("}}").expect("unterminated {{#include");
        let target = after[..end].trim();
        let (path, anchor) = match target.split_once(':') {
            Some((p, a)) => (p.to_string(), Some(a.to_string())),
            None => (target.to_string(), None),
        };
        found.push((path, anchor));
        rest = &after[end..];
    }
    found
}

/// The lines strictly between `ANCHOR: name` and `ANCHOR_END: name`, if both exist.
fn anchored_region(text: &str, anchor: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let is_marker = |line: &str, kind: &str| {
        line.find(kind)
            .is_some_and(|at| line[at + kind.len()..].trim_start().trim_end_matches("-->").trim() == anchor)
    };
    let start = lines.iter().position(|l| is_marker(l, "ANCHOR:"))?;
    let end = start + lines[start..].iter().position(|l| is_marker(l, "ANCHOR_END:"))?;
    Some(
        lines[start + 1..end]
            .iter()
            .filter(|l| !l.contains("ANCHOR"))
            .copied()
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

#[test]
fn every_include_resolves_to_a_nonempty_region() {
    let mut pages = Vec::new();
    markdown_files(&book_src(), &mut pages);
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        for (path, anchor) in includes(&text) {
            checked += 1;
            let target = page.parent().unwrap().join(&path);
            let Ok(content) = std::fs::read_to_string(&target) else {
                problems.push(format!("{}: includes {path}, which does not exist", page.display()));
                continue;
            };
            match anchor {
                Some(anchor) => match anchored_region(&content, &anchor) {
                    None => {
                        problems.push(format!("{}: anchor {anchor:?} not found in {path}", page.display()))
                    }
                    Some(region) if region.trim().is_empty() => {
                        problems.push(format!("{}: anchor {anchor:?} in {path} is empty", page.display()))
                    }
                    Some(_) => {}
                },
                None if content.trim().is_empty() => {
                    problems.push(format!("{}: {path} is empty", page.display()))
                }
                None => {}
            }
        }
    }
    assert!(problems.is_empty(), "book include problems:\n{}", problems.join("\n"));
    assert!(checked >= 10, "only {checked} includes found: is the book there?");
}

#[test]
fn every_image_exists() {
    let mut pages = Vec::new();
    markdown_files(&book_src(), &mut pages);
    let mut missing = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        for part in text.split("](").skip(1) {
            let Some(end) = part.find(')') else { continue };
            let link = &part[..end];
            if link.ends_with(".svg") || link.ends_with(".png") {
                let target = page.parent().unwrap().join(link);
                if !target.exists() {
                    missing.push(format!("{}: {link}", page.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing figures (run `cargo run --release -p zoo -- all`):\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_chapter_has_a_page_in_the_summary() {
    let summary = std::fs::read_to_string(book_src().join("SUMMARY.md")).unwrap();
    let chapters = kit::cli::repo_root().join("chapters");
    for entry in std::fs::read_dir(chapters).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if name.starts_with("ch") {
            assert!(summary.contains(&format!("{name}/index.md")), "{name} has no page in SUMMARY.md");
            assert!(book_src().join(&name).join("index.md").exists(), "{name}/index.md is missing");
        }
    }
}

#[test]
fn the_anchor_parser_finds_regions_and_rejects_misspellings() {
    let text = "a\n// ANCHOR: step\nlet x = 1;\n// ANCHOR_END: step\n<!-- ANCHOR: t -->\n| a |\n<!-- ANCHOR_END: t -->\n";
    assert_eq!(anchored_region(text, "step").unwrap(), "let x = 1;");
    assert_eq!(anchored_region(text, "t").unwrap(), "| a |");
    assert!(anchored_region(text, "stepp").is_none());
    assert!(anchored_region(text, "ste").is_none());
    assert_eq!(
        includes("x {{#include a.rs:b}} y {{#include c.md}}"),
        vec![("a.rs".to_string(), Some("b".to_string())), ("c.md".to_string(), None)]
    );
}

/// The chapter pages, `book/src/chNN-*/*.md` but the generated `results.md`, with their
/// chapter number: `index.md` first, then a chapter's further pages by name.
fn chapter_pages() -> Vec<(usize, PathBuf)> {
    let mut pages: Vec<(usize, bool, PathBuf)> = Vec::new();
    for e in std::fs::read_dir(book_src()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        let Some(number) = name.strip_prefix("ch").and_then(|n| n.get(..2)).and_then(|n| n.parse().ok())
        else {
            continue;
        };
        for page in std::fs::read_dir(book_src().join(&name)).unwrap() {
            let path = page.unwrap().path();
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            if file.ends_with(".md") && file != "results.md" {
                pages.push((number, file != "index.md", path));
            }
        }
    }
    pages.sort();
    pages.into_iter().map(|(n, _, p)| (n, p)).collect()
}

/// A chapter's pages: (page file name, text), `index.md` first.
type Pages = Vec<(String, String)>;

/// Every chapter's pages, as (number, chapter folder name, pages).
fn chapters_with_pages() -> Vec<(usize, String, Pages)> {
    let mut out: Vec<(usize, String, Pages)> = Vec::new();
    for (number, page) in chapter_pages() {
        let chapter = page.parent().unwrap().file_name().unwrap().to_string_lossy().to_string();
        let file = page.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&page).unwrap();
        match out.last_mut() {
            Some((n, _, pages)) if *n == number => pages.push((file, text)),
            _ => out.push((number, chapter, vec![(file, text)])),
        }
    }
    out
}

/// A heading's id as mdBook makes it: lowercase, spaces to '-', punctuation dropped.
fn heading_id(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// rustfmt's max_width: book/listings.css sizes code blocks so lines this long fit unclipped.
const MAX_LISTING_COLUMNS: usize = 110;

#[test]
fn every_listing_names_its_file_and_fits_the_page() {
    let mut problems = Vec::new();
    let mut listings = 0;
    for (_, page) in chapter_pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(target) = line.strip_prefix("{{#include ").and_then(|t| t.strip_suffix("}}")) else {
                continue;
            };
            let (path, anchor) = target.split_once(':').map_or((target, None), |(p, a)| (p, Some(a)));
            // Only code listings: the line above opens a code block.
            if i == 0 || !lines[i - 1].starts_with("```") {
                continue;
            }
            listings += 1;
            let caption = lines[..i - 1].iter().rev().find(|l| !l.trim().is_empty()).copied().unwrap_or("");
            let shown = path.trim_start_matches("../../../");
            if !(caption.starts_with("<div class=\"listing-file\">")
                && caption.contains(&format!("href=\"{path}\""))
                && caption.contains(&format!("{shown}</a>")))
            {
                problems.push(format!("{}: listing of {path} has no file caption above it", page.display()));
            }
            let source = std::fs::read_to_string(page.parent().unwrap().join(path)).unwrap_or_default();
            let region = anchor.and_then(|a| anchored_region(&source, a)).unwrap_or(source);
            for l in region.lines().filter(|l| l.chars().count() > MAX_LISTING_COLUMNS) {
                problems.push(format!("{}: a line of {path} is too wide for the page: {l}", page.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(listings >= 10, "only {listings} listings found");
}

#[test]
fn every_figure_has_a_numbered_caption() {
    let mut problems = Vec::new();
    // Numbering runs on through a chapter's pages, in the order the book shows them.
    for (number, chapter, pages) in chapters_with_pages() {
        let mut expected = 1;
        for (file, text) in pages {
            let lines: Vec<&str> = text.lines().collect();
            // A figure is a Markdown image, or a line of <img> (several side by side are
            // numbered in turn, and their caption opens with the first one's number).
            let figures =
                lines.iter().enumerate().filter(|(_, l)| l.starts_with("![") || l.starts_with("<img"));
            for (i, line) in figures {
                let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty()).copied().unwrap_or("");
                let label = format!("*Figure {number}.{expected}");
                if !(next.starts_with(&format!("{label}:")) || next.starts_with(&format!("{label} ("))) {
                    problems
                        .push(format!("{chapter}/{file}: {line} is not followed by a caption {label}: ...*"));
                }
                expected += line.matches("<img").count().max(1);
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_claim_points_at_a_section_of_its_page() {
    // A claim's section is a heading's anchor on the chapter's index.md, or
    // `page.md#anchor` on another page of the chapter.
    let mut problems = Vec::new();
    for (_, chapter, pages) in chapters_with_pages() {
        let Some(claims) = zoo::written_claims(&book_src(), &chapter).unwrap() else { continue };
        for c in claims {
            let (file, anchor) = c.section.split_once('#').unwrap_or(("index.md", c.section.as_str()));
            let found = pages.iter().find(|(f, _)| f == file).is_some_and(|(_, text)| {
                text.lines()
                    .filter_map(|l| l.strip_prefix('#'))
                    .any(|h| heading_id(h.trim_start_matches('#').trim()) == anchor)
            });
            if !found {
                problems
                    .push(format!("{chapter}: claim {} names section {}, not on its page", c.id, c.section));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        heading_id("Supervised: labels on a subset of nodes"),
        "supervised-labels-on-a-subset-of-nodes"
    );
}

#[test]
fn generated_results_hold_no_math() {
    // mdbook-katex runs before includes are expanded (book.toml), so `$...$` written by
    // a chapter's run would reach the reader as raw TeX: results use Unicode instead.
    for (_, page) in chapter_pages() {
        let results = page.parent().unwrap().join("results.md");
        let text = std::fs::read_to_string(&results).unwrap_or_default();
        assert!(!text.contains('$'), "{} contains $: write math in Unicode there", results.display());
    }
}

#[test]
fn every_claim_is_shown_on_its_page() {
    let mut missing = Vec::new();
    for (_, chapter, pages) in chapters_with_pages() {
        let Some(claims) = zoo::written_claims(&book_src(), &chapter).unwrap() else { continue };
        for c in claims {
            let file = c.section.split_once('#').map_or("index.md", |(f, _)| f);
            let text = pages.iter().find(|(f, _)| f == file).map_or("", |(_, t)| t.as_str());
            if !text.contains(&format!("results.md:claim_{}}}}}", c.id)) {
                missing.push(format!("{chapter}: claim {} is never included by its page ({file})", c.id));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The cells of a markdown table row: split on `|` that is not escaped as `\|`.
fn cells(row: &str) -> usize {
    let inner = row.trim().trim_start_matches('|').trim_end_matches('|');
    let mut count = 1;
    let mut escaped = false;
    for ch in inner.chars() {
        match ch {
            '\\' => escaped = !escaped,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
    }
    count
}

#[test]
fn every_table_row_has_its_header_s_columns() {
    // A `|` inside a cell (say "p(c | image)") silently splits it in two.
    let mut problems = Vec::new();
    let mut files = Vec::new();
    markdown_files(&book_src(), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut header: Option<usize> = None;
        for (n, line) in text.lines().enumerate() {
            if !line.trim_start().starts_with('|') {
                header = None;
                continue;
            }
            match header {
                None => header = Some(cells(line)),
                Some(h) if cells(line) != h => problems.push(format!(
                    "{}:{}: {} cells, header has {h}",
                    file.display(),
                    n + 1,
                    cells(line)
                )),
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!((cells("| a | b \\| c |"), cells("|a|b|c|")), (2, 3));
}

/// Each finding once: every claim a chapter computes is shown on its page exactly once,
/// as `{{#include results.md:claim_<id>}}` where its section needs it (the summary at the
/// end lists only the lecture verdicts and the bars, and folds the evidence).
#[test]
fn every_claim_is_shown_once_on_its_page() {
    let book = book_src();
    let mut problems = Vec::new();
    for chapter in zoo::chapters() {
        let claims = zoo::written_claims(&book, chapter.name).unwrap().expect("committed results");
        let dir = book.join(chapter.name);
        let mut pages = Vec::new();
        markdown_files(&dir, &mut pages);
        let text: String = pages
            .iter()
            .filter(|p| p.file_name().is_some_and(|n| n != "results.md"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        for c in &claims {
            let shown = text.matches(&format!("results.md:claim_{}}}}}", c.id)).count();
            if shown != 1 {
                problems.push(format!("{}: claim {} is shown {shown} times", chapter.name, c.id));
            }
        }
        for (_, anchor) in includes(&text) {
            if let Some(id) = anchor.as_deref().and_then(|a| a.strip_prefix("claim_"))
                && !claims.iter().any(|c| c.id == id)
            {
                problems.push(format!(
                    "{}: the page shows claim {id}, which the run no longer makes",
                    chapter.name
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_model_chapter_shows_a_diagram_drawn_by_its_run() {
    // Chapters 2 to 11 each introduce a model; its diagram is written by the chapter's
    // run (kit::diagram, from the model's own sizes) as figures/diagram-<name>.svg.
    let mut problems = Vec::new();
    for (number, chapter, pages) in chapters_with_pages().into_iter().filter(|(n, _, _)| *n >= 2) {
        let text: String = pages.iter().map(|(_, t)| t.as_str()).collect();
        let page = book_src().join(&chapter).join("index.md");
        let shown: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("![") || l.starts_with("<img"))
            .filter_map(|l| l.split("figures/diagram-").nth(1))
            .collect();
        if shown.is_empty() {
            problems.push(format!("chapter {number}: {} shows no figures/diagram-*.svg", page.display()));
        }
        for rest in shown {
            let name = rest.split(['"', ')']).next().unwrap_or("");
            let file = page.parent().unwrap().join("figures").join(format!("diagram-{name}"));
            if !file.exists() {
                problems.push(format!("chapter {number}: {} is shown but not written", file.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
