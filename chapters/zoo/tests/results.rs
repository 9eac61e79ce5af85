//! The committed full-run results, checked without rerunning anything: every chapter's
//! `results.json` must carry the claims its code computes from those numbers, and every
//! required claim must hold. (CI reruns `zoo all` and fails if a committed output
//! changes, so these are the numbers the current code produces.)

use kit::claims::Kind;

#[test]
fn committed_results_meet_every_required_claim() {
    let book = kit::cli::repo_root().join("book").join("src");
    let mut problems = Vec::new();
    for chapter in zoo::chapters() {
        let path = book.join(chapter.name).join("results.json");
        let json = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run `cargo run --release -p zoo -- all`", path.display()));
        let recomputed = (chapter.claims_from_results)(&json)
            .unwrap_or_else(|e| panic!("{}: cannot read the report back: {e:#}", path.display()));
        let written = zoo::written_claims(&book, chapter.name).unwrap().unwrap();
        if recomputed != written {
            problems
                .push(format!("{}: the claims written differ from those its code computes", chapter.name));
        }
        assert!(!recomputed.is_empty(), "{} states no claims", chapter.name);
        for c in recomputed.iter().filter(|c| c.kind == Kind::Bar && !c.holds) {
            problems.push(format!("{}: bar {} is missed: {}", chapter.name, c.id, c.text));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_claims_page_and_chapter_map_match_the_committed_results() {
    let book = kit::cli::repo_root().join("book").join("src");
    let chapters = zoo::chapters();
    let written: Vec<_> =
        chapters.iter().map(|c| (c, zoo::written_claims(&book, c.name).unwrap().unwrap())).collect();
    let page = std::fs::read_to_string(book.join("claims.md")).unwrap();
    assert_eq!(
        page,
        zoo::claims_page(&written),
        "claims.md is stale: run `cargo run --release -p zoo -- all`"
    );
    let map = std::fs::read_to_string(book.join("chapter_map.md")).unwrap();
    assert_eq!(
        map,
        zoo::chapter_map(&written),
        "chapter_map.md is stale: run `cargo run --release -p zoo -- all`"
    );
    assert_eq!(map.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| #")).count(), 11);
}

/// The only failing mark a reader can meet is a missed bar (kit's claims tests hold the
/// rendering to that), and the committed run misses none: so no committed page of
/// results, and not the claims page, shows a ✗.
#[test]
fn no_committed_output_shows_a_failing_mark() {
    let book = kit::cli::repo_root().join("book").join("src");
    let mut pages = vec![book.join("claims.md"), book.join("chapter_map.md")];
    pages.extend(zoo::chapters().iter().map(|c| book.join(c.name).join("results.md")));
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        let crosses: Vec<&str> = text.lines().filter(|l| l.contains('✗')).collect();
        assert!(crosses.is_empty(), "{} shows a failing mark:\n{}", page.display(), crosses.join("\n"));
    }
}

/// The claims page and the chapter map count lecture verdicts and bars, never findings.
#[test]
fn findings_are_not_counted() {
    use kit::Claim;
    let claims = vec![
        Claim::finding("f", "s", "A sentence.".into()),
        Claim::bar("b", "s", true, "at least 1", "2".into()),
        Claim::lecture("l", "s", "gcn_depth", "c", kit::Verdict::NotDecided { seeds: 5 }, "t".into()),
    ];
    let t = zoo::Tally::of(&claims);
    assert_eq!((t.holds, t.does_not_hold, t.not_decided, t.bars_met, t.bars), (0, 0, 1, 1, 1));
}
