#!/usr/bin/env python3
"""Precision audits of the strip stage on pages from sites no labelled page
came from.

An audit runs `zhtidy --no-fix --explain` on real pages nobody labelled and
judges every removal by hand: RIGHT (boilerplate or chrome) or WRONG (the
article's text, or the page's own fields). Misses are not judged. It finds
the rules that take article lines on sites they were not written from,
which the held-out half of the labelled set must not be read for.

`audit.jsonl` keeps, per audited page, its URL, site, the sha256 of its
text and, per judged removal, the line number, the sha1 of the line (never
the text), the rule and the verdict. The texts are third-party and live
under the system temp dir (`<tmp>/zhtidy-data/audit-pages/<sha256
prefix>.txt`), like the labelled pages (see fetch_pages.md).

- `record DIR...` reads an audit's working folder (`urls.tsv`: number and
  URL; `NNN.txt`: the page text; `judgments.tsv`: number, optionally the
  URL, line, rule, RIGHT|WRONG, optionally what --explain printed), copies the texts under the temp
  dir and appends the pages to audit.jsonl (a URL already there is
  skipped).
- `check [--bin PATH]` runs the stage on every present audited page and
  prints the removals judged WRONG that it still makes, the RIGHT ones it
  no longer makes, and removals nobody judged yet (to judge by hand).
  Missing pages are named.

Usage: scripts/strip_real/audit.py record DIR... | check [--bin PATH] [--pages DIR]
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
AUDIT = os.path.join(HERE, "audit.jsonl")
PAGES = os.path.join(tempfile.gettempdir(), "zhtidy-data", "audit-pages")
sys.path.insert(0, HERE)
from build_labels import site_of  # noqa: E402


def sha1_12(text):
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def record(dirs, pages):
    known = set()
    if os.path.exists(AUDIT):
        with open(AUDIT, encoding="utf-8") as f:
            known = {json.loads(line)["url"] for line in f}
    added = 0
    with open(AUDIT, "a", encoding="utf-8") as out:
        for d in dirs:
            urls = {n: u for n, u in read_tsv(os.path.join(d, "urls.tsv"))}
            judged = {}
            for row in read_tsv(os.path.join(d, "judgments.tsv")):
                # number, [URL,] line, rule, verdict[, what --explain printed]
                n, line, rule, verdict = row[:4] if len(row) == 4 else (row[0], *row[2:5])
                judged.setdefault(n, []).append((int(line), rule, verdict))
            for n, url in sorted(urls.items()):
                path = os.path.join(d, f"{n}.txt")
                if url in known or not os.path.exists(path):
                    continue
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                sha = hashlib.sha256(text.encode()).hexdigest()
                os.makedirs(pages, exist_ok=True)
                with open(os.path.join(pages, sha[:16] + ".txt"), "w", encoding="utf-8") as f:
                    f.write(text)
                lines = text.split("\n")
                removals = [
                    {"line": ln, "sha1": sha1_12(lines[ln - 1].strip()), "rule": rule,
                     "verdict": verdict.lower()}
                    for ln, rule, verdict in sorted(judged.get(n, []))
                ]
                rec = {"url": url, "site": site_of(url), "sha256": sha, "removals": removals}
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                known.add(url)
                added += 1
    print(f"audit.py: {added} pages added to {os.path.relpath(AUDIT, ROOT)}", file=sys.stderr)


def check(exe, pages):
    with open(AUDIT, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f]
    present = wrong = lost = unjudged = 0
    for rec in recs:
        path = os.path.join(pages, rec["sha256"][:16] + ".txt")
        text = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as g:
                text = g.read()
        if text is None or hashlib.sha256(text.encode()).hexdigest() != rec["sha256"]:
            print(f"missing {rec['url']}")
            continue
        present += 1
        out = subprocess.run([exe, "--no-fix", "--output-format", "json", "-"],
                             input=text.encode(), capture_output=True, check=True)
        removed = {r["line"] for r in json.loads(out.stdout)["removals"]}
        verdicts = {r["line"]: r for r in rec["removals"]}
        for r in rec["removals"]:
            if r["verdict"] == "wrong" and r["line"] in removed:
                wrong += 1
                print(f"WRONG still removed\t{rec['url']}:{r['line']}\t{r['rule']}")
            if r["verdict"] == "right" and r["line"] not in removed:
                lost += 1
                print(f"RIGHT no longer removed\t{rec['url']}:{r['line']}\t{r['rule']}")
        for line in sorted(removed - set(verdicts)):
            unjudged += 1
            print(f"UNJUDGED\t{rec['url']}:{line}")
    print(f"{present} of {len(recs)} audited pages present; judged wrong still removed: "
          f"{wrong}; judged right no longer removed: {lost}; removals not judged: {unjudged}")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("dirs", nargs="+")
    rec.add_argument("--pages", default=PAGES)
    chk = sub.add_parser("check")
    chk.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "zhtidy"))
    chk.add_argument("--pages", default=PAGES)
    args = ap.parse_args()
    if args.cmd == "record":
        record(args.dirs, args.pages)
    else:
        check(args.bin, args.pages)


if __name__ == "__main__":
    main()
