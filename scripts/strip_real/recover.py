#!/usr/bin/env python3
"""Gets back the texts of labelled pages from saved search results.

A page's text is only on the machine that collected it; fetch_pages.md says how
to get it again with the `search` tool (corpus `pages`). This takes search
results saved by hand as JSON lines, each an object with the result's `url` and
`excerpt` (a whole search answer, with its `results` list, is read too), and
for every result whose URL is that of a labelled page whose text is absent here
takes the excerpt's first `lines` lines, joined by newlines with no trailing
newline, and saves them only if they hash to the page's recorded sha256. For a
text that does not, it names the labelled lines whose sha1 differs, since the
corpus may hold another capture of the page.

Usage: scripts/strip_real/recover.py RESULTS.jsonl... [--pages DIR]
"""

import argparse
import hashlib
import json
import os
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = os.path.join(HERE, "pages.jsonl")
DEFAULT_PAGES = os.path.join(tempfile.gettempdir(), "zhtidy-data", "strip-pages")


def page_path(pages, rec):
    return os.path.join(pages, rec["sha256"][:16] + ".txt")


def is_present(pages, rec):
    path = page_path(pages, rec)
    if not os.path.exists(path):
        return False
    with open(path, encoding="utf-8") as f:
        return hashlib.sha256(f.read().encode()).hexdigest() == rec["sha256"]


def read_results(path):
    """The (url, excerpt) pairs of a file of saved results or whole answers."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            obj = json.loads(line)
            for res in obj.get("results", [obj]):
                if res.get("url") and "excerpt" in res:
                    yield res["url"], res["excerpt"]


def text_for(rec, excerpt):
    return "\n".join(excerpt.split("\n")[: rec["lines"]])


def differing_lines(rec, text):
    """The numbers of labelled lines whose text differs from the labelled one."""
    lines = text.split("\n")
    out = []
    for lab in rec["labels"]:
        n = lab["line"]
        got = lines[n - 1] if n <= len(lines) else None
        if got is None or hashlib.sha1(got.encode()).hexdigest()[:12] != lab["sha1"]:
            out.append(n)
    return out


def recover(rec, excerpt, pages):
    """Saves the page's text if the excerpt holds it; returns what happened."""
    text = text_for(rec, excerpt)
    if hashlib.sha256(text.encode()).hexdigest() == rec["sha256"]:
        os.makedirs(pages, exist_ok=True)
        with open(page_path(pages, rec), "w", encoding="utf-8") as f:
            f.write(text)
        return "recovered"
    return f"differs at labelled lines {differing_lines(rec, text)}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results", nargs="+")
    ap.add_argument("--pages", default=DEFAULT_PAGES)
    args = ap.parse_args()
    with open(LABELS, encoding="utf-8") as f:
        by_url = {r["url"]: r for r in map(json.loads, f)}
    for path in args.results:
        for url, excerpt in read_results(path):
            rec = by_url.get(url)
            if rec is None:
                continue
            if is_present(args.pages, rec):
                print(f"present   {rec['split']:7} {url}")
                continue
            print(f"{recover(rec, excerpt, args.pages):9} {rec['split']:7} {url}")


if __name__ == "__main__":
    main()
