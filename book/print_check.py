#!/usr/bin/env python3
"""Pages that fit: every page of the built book laid out by headless Chromium at the width
of a printed Letter page (and so of a narrow window), and every table and display
equation measured. One wider than the text column scrolls sideways on screen and is
clipped in print: the reader never sees its last columns. Optionally prints each page to
PDF and counts its printed pages.

    python3 book/print_check.py book/book [--width PX] [--pages] [--pdf-dir DIR]

Needs `chromium` (Debian's package) and, for --pages, `pdfinfo` (poppler-utils). Exits 1
naming every page and element that does not fit.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# Measures, after layout, every table against the box it scrolls in and every display
# equation against its own box, and leaves the result in the DOM for --dump-dom.
MEASURE = """
<script>
window.addEventListener('load', () => {
  const out = [];
  const label = (el) => (el.querySelector('th') || el).textContent.trim().replace(/\\s+/g, ' ').slice(0, 60);
  for (const t of document.querySelectorAll('main table')) {
    const box = t.closest('.table-wrapper') || t.parentElement;
    if (t.scrollWidth > box.clientWidth + 1)
      out.push({what: 'table', first: label(t), over: t.scrollWidth - box.clientWidth});
  }
  for (const m of document.querySelectorAll('main .katex-display')) {
    if (m.scrollWidth > m.clientWidth + 1)
      out.push({what: 'equation', first: m.textContent.slice(0, 40), over: m.scrollWidth - m.clientWidth});
  }
  const pre = document.createElement('pre');
  pre.id = 'fit-report';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def chromium(*args, timeout=180):
    return subprocess.run(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", *args],
                          check=True, capture_output=True, text=True, timeout=timeout).stdout


def overflows(page: Path, width: int):
    probe = page.with_name(f".fit-{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"),
                     encoding="utf-8")
    try:
        dom = chromium(f"--window-size={width},1200", "--virtual-time-budget=5000", "--dump-dom",
                       probe.resolve().as_uri())
    finally:
        probe.unlink()
    found = re.search(r'<pre id="fit-report">(.*?)</pre>', dom, re.S)
    if not found:
        raise SystemExit(f"{page}: the measuring script did not run")
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<")
                      .replace("&gt;", ">"))


def printed_pages(page: Path, pdf: Path):
    chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.resolve().as_uri())
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("book", type=Path, help="the built book (book/book)")
    ap.add_argument("--width", type=int, default=740,
                    help="window width in CSS pixels (740: a Letter page less Chromium's print margins)")
    ap.add_argument("--pages", action="store_true", help="also print each page to PDF and count its pages")
    ap.add_argument("--pdf-dir", type=Path, help="keep the PDFs here")
    args = ap.parse_args()
    pages = sorted(p for p in args.book.rglob("*.html")
                   if p.name not in ("print.html", "toc.html", "404.html") and not p.name.startswith(".")
                   and "katex" not in p.parts)
    pdf_dir = args.pdf_dir or Path(tempfile.mkdtemp())
    pdf_dir.mkdir(parents=True, exist_ok=True)
    problems = []
    for page in pages:
        name = str(page.relative_to(args.book))
        found = overflows(page, args.width)
        if args.pages:
            count = printed_pages(page, pdf_dir / (name.replace("/", "_") + ".pdf"))
            print(f"{name}: {count} printed pages")
        for o in found:
            problems.append(f"{name}: a {o['what']} ({o['first']!r}) is {o['over']} px wider than the page")
    for p in problems:
        print(p)
    print(f"fit check at {args.width} px: {len(pages)} pages, {len(problems)} tables or equations too wide")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
