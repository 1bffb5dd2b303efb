#!/usr/bin/env python3
"""Turns hand-labelled transcriptions of real pages into the committed label
file and the uncommitted page texts.

The page texts come from the `search` tool (corpus `pages`); they are third-party
text, so they live only under the system temp dir. A transcription file holds
one block per page:

    @@ <url> | <kind> | <hans|hant> [| tune]
    k <line>                  keep (title, prose, subheading, caption text)
    u <line>                  keep, but the labeller was unsure
    r:<family> <line>         remove, as boilerplate of that family
    c:<family> <line>         caption whose tail is a credit: the line carries a
                              ¦ at the cut; the text before it is kept (recorded
                              as its length and hash, never as text)

an empty line for each blank line of the page, and `b <spaces>` for a line of
only whitespace. The text after the first
space is the page line exactly; trailing blank lines of a block are dropped.
Families are ids of boilerplate-families.json, `chrome-*` ids for site chrome,
or one of the short aliases below. A fourth header field `tune` puts a page in
the tuning half whatever its site's hash says: pages collected later to give
the tuning half more data, from sites no page of either half came from before
(checked here), so no site is in both halves.

`--append` adds a later collection round to the records already in
pages.jsonl instead of rewriting the file from the transcriptions: the existing
records are kept as they are, a page whose URL or site already has a record is
refused (a new round brings new sites only, so no site is in both halves), the
new records carry `"round": ROUND` and their half comes from their site's hash
(a `tune` header field is refused there).

Usage: scripts/strip_real/build_labels.py TRANSCRIPTION... [--pages DIR] [--append [--round N]]
Writes DIR/<sha256 prefix>.txt for every page and scripts/strip_real/pages.jsonl.
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pages.jsonl")
DEFAULT_PAGES = os.path.join(tempfile.gettempdir(), "zhtidy-data", "strip-pages")
KINDS = {
    "news", "repost", "wechat", "farm", "converted", "tw-news", "hk-news", "gov",
    "forum", "viewer", "shop", "blog", "control-literature", "control-encyclopedia",
    "control-notice",
}
ALIASES = {
    "src": "header_source_line", "meta": "header_meta_glued", "by": "header_byline_credits",
    "bc": "header_breadcrumb", "app": "header_app_promo", "follow": "header_wechat_follow",
    "acct": "header_wechat_account_line", "repost": "header_repost_marker",
    "stats": "header_reading_stats", "excerpt": "header_auto_excerpt_duplicate_lead",
    "tprefix": "header_title_prefix_noise", "sig": "header_blogger_signature",
    "seo": "header_seo_intro", "ednote": "header_editor_note", "docmeta": "header_doc_share_meta",
    "gate": "inline_preview_gate", "docnotice": "footer_doc_share_notice",
    "patent": "header_patent_site_meta", "gov": "header_gov_meta", "urldate": "header_site_url_date_line",
    "expand": "inline_expand_fulltext", "img": "inline_image_placeholder", "credit": "caption_photo_credit",
    "dup": "caption_duplicate", "promo": "inline_promo_injection", "pay": "inline_paywall_membership",
    "tags": "inline_hashtag_keyword_line", "video": "inline_video_embed_note", "ui": "inline_ui_chrome_words",
    "dateline": "inline_news_dateline", "reprint": "footer_repost_notice", "takedown": "footer_copyright_takedown",
    "platform": "footer_platform_disclaimer", "invest": "footer_investment_disclaimer",
    "medical": "footer_medical_disclaimer", "legal": "footer_security_legal_disclaimer",
    "srcblock": "footer_source_block", "wxattr": "footer_wechat_attribution", "cta": "footer_wechat_cta",
    "related": "footer_related_nav", "share": "footer_share_print_bar", "icp": "footer_icp_copyright",
    "cc": "footer_license_cc", "comments": "footer_comments_section", "end": "footer_news_end_marker",
    "spam": "spam_seo_keyword_line", "seokw": "seo_keywords_by_line",
    "nav": "chrome-nav", "login": "chrome-login", "shop": "chrome-shop", "counter": "chrome-counter",
    "tools": "chrome-tools", "ad": "chrome-ad", "cmt": "chrome-comments", "viewer": "chrome-viewer",
    "skip": "chrome-skip", "sitename": "chrome-sitename", "consent": "chrome-consent",
}
CHROME = {
    "chrome-nav", "chrome-login", "chrome-shop", "chrome-counter", "chrome-tools", "chrome-ad",
    "chrome-comments", "chrome-viewer", "chrome-skip", "chrome-sitename", "chrome-consent",
}
CUT = "¦"


# The reposting-boilerplate ids of the shared boilerplate-families.json that
# have no alias above; with the aliased ones they are every id of that file.
OTHER_FAMILIES = {
    "header_site_nav_line", "spam_synonym_spinning", "inline_seo_tag_suffix",
    "inline_code_line_numbers", "inline_code_ui_text",
}


def known_families():
    return set(ALIASES.values()) | OTHER_FAMILIES | CHROME


# Second-level suffixes under which a registrable name takes three labels.
TWO_LABEL_SUFFIXES = {
    "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn", "ac.cn",
    "com.tw", "net.tw", "org.tw", "gov.tw", "edu.tw",
    "com.hk", "net.hk", "org.hk", "gov.hk", "edu.hk",
    "com.my", "com.mo", "com.sg", "co.jp",
    # hosting platforms, where each subdomain is a site of its own
    "blogspot.com", "workers.dev", "github.io", "pages.dev", "netlify.app", "vercel.app",
}


def site_of(url):
    """The registrable domain of the page's host (an IP address stays whole), so
    the subdomains of one site (news., old., m., big5.) count as one site."""
    host = urlsplit(url).hostname or ""
    labels = host.split(".")
    if host.replace(".", "").isdigit() or len(labels) <= 2:
        return host
    keep = 3 if ".".join(labels[-2:]) in TWO_LABEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def split_of(site):
    """Tuning or held-out, from the site name alone, so every page of a site
    lands in the same half and adding pages never moves a site."""
    return "tune" if int(hashlib.sha256(site.encode()).hexdigest()[:8], 16) % 2 == 0 else "heldout"


def parse_blocks(path):
    block = None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f.read().split("\n"), 1):
            if raw.startswith("@@ "):
                if block:
                    yield block
                url, kind, script, *rest = [p.strip() for p in raw[3:].split("|")]
                if rest not in ([], ["tune"]):
                    sys.exit(f"{path}:{n}: the fourth field may only be 'tune'")
                block = {"url": url, "kind": kind, "script": script, "tune": rest == ["tune"],
                         "rows": [], "where": f"{path}:{n}"}
            elif block is not None:
                block["rows"].append((n, raw))
    if block:
        yield block


def label_row(code, families, where):
    if code in ("k", "u"):
        return {"label": "keep", **({"flag": "unsure"} if code == "u" else {})}
    kind, _, fam = code.partition(":")
    fam = ALIASES.get(fam, fam)
    if kind not in ("r", "c") or fam not in families:
        sys.exit(f"{where}: unknown label {code!r}")
    return {"label": "remove" if kind == "r" else "caption-credit", "family": fam}


def build_page(block, families):
    rows = block["rows"]
    while rows and rows[-1][1] == "":
        rows.pop()
    lines, labels = [], []
    for n, raw in rows:
        where = f"{block['where'].split(':')[0]}:{n}"
        if raw == "" or raw.startswith("b "):
            lines.append(raw[2:])
            if lines[-1].strip():
                sys.exit(f"{where}: a b line holds only whitespace")
            continue
        code, sep, text = raw.partition(" ")
        if not sep or not text.strip():
            sys.exit(f"{where}: a labelled line needs text")
        lab = label_row(code, families, where)
        if lab["label"] == "caption-credit":
            if text.count(CUT) != 1:
                sys.exit(f"{where}: a caption-credit line needs exactly one {CUT}")
            kept = text.split(CUT)[0].rstrip()
            lab["kept_chars"] = len(kept)
            lab["kept_sha1"] = hashlib.sha1(kept.encode()).hexdigest()[:12]
            text = text.replace(CUT, "")
        elif CUT in text:
            sys.exit(f"{where}: {CUT} outside a caption-credit line")
        lines.append(text)
        sha1 = hashlib.sha1(text.encode()).hexdigest()[:12]
        labels.append({"line": len(lines), "sha1": sha1, **lab})
    text = "\n".join(lines)
    if block["kind"] not in KINDS or block["script"] not in ("hans", "hant"):
        sys.exit(f"{block['where']}: bad kind or script")
    site = site_of(block["url"])
    rec = {
        "url": block["url"], "site": site, "kind": block["kind"], "script": block["script"],
        "sha256": hashlib.sha256(text.encode()).hexdigest(), "lines": len(lines),
        "split": "tune" if block["tune"] else split_of(site), "labels": labels,
    }
    return rec, text


def existing_records():
    """The records already in pages.jsonl, for --append."""
    if not os.path.exists(OUT):
        return []
    with open(OUT, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def check_new_site(block, rec, old_urls, old_sites):
    """A page of a new round must come from a site no earlier record came from."""
    if block["tune"]:
        sys.exit(f"{block['where']}: 'tune' is refused with --append; the site's hash decides the half")
    if rec["url"] in old_urls:
        sys.exit(f"{block['where']}: {rec['url']} already has a record")
    if rec["site"] in old_sites:
        sys.exit(f"{block['where']}: site {rec['site']} already has a record")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--pages", default=DEFAULT_PAGES)
    ap.add_argument("--append", action="store_true",
                    help="keep the records of pages.jsonl and add these pages, from new sites only")
    ap.add_argument("--round", type=int, default=3, help="the round number of appended records")
    args = ap.parse_args()
    families = known_families()
    os.makedirs(args.pages, exist_ok=True)
    old = existing_records() if args.append else []
    old_urls = {r["url"] for r in old}
    old_sites = {r["site"] for r in old}
    records, seen, hashed_sites = [], set(), set()
    blocks = [b for path in args.files for b in parse_blocks(path)]
    for block in blocks:
        if not block["tune"]:
            hashed_sites.add(site_of(block["url"]))
    for block in blocks:
        rec, text = build_page(block, families)
        if args.append:
            check_new_site(block, rec, old_urls, old_sites)
            rec["round"] = args.round
        if rec["url"] in seen:
            sys.exit(f"{block['where']}: {rec['url']} twice")
        if block["tune"] and rec["site"] in hashed_sites:
            sys.exit(f"{block['where']}: site {rec['site']} already has pages split by its hash")
        seen.add(rec["url"])
        with open(os.path.join(args.pages, rec["sha256"][:16] + ".txt"), "w", encoding="utf-8") as f:
            f.write(text)
        records.append(rec)
    with open(OUT, "w", encoding="utf-8") as f:
        for rec in old + records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    kept = f" after the {len(old)} kept records" if args.append else ""
    print(f"{len(records)} pages written to {args.pages}; labels in {OUT}{kept}")


if __name__ == "__main__":
    main()
