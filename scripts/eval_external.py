"""Labels from the external detectors for scripts/eval-detect.

Reads SET_DIR/labels.tsv, runs charset-normalizer (Python package, in
process) and uchardet (Debian's command line tool, in batches) on every
file, and prints `ID<TAB>UCHARDET<TAB>CHARSET_NORMALIZER` lines (an empty
field when the tool gave no answer or is not installed).
"""
import shutil
import subprocess
import sys
from pathlib import Path

from charset_normalizer import from_bytes


def main() -> None:
    root = Path(sys.argv[1])
    ids = [line.split("\t")[0] for line in (root / "labels.tsv").read_text().splitlines()]
    files = [root / "files" / i for i in ids]

    uchardet = {}
    if shutil.which("uchardet"):
        for start in range(0, len(files), 200):
            batch = files[start:start + 200]
            out = subprocess.run(["uchardet", *map(str, batch)], capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                path, _, label = line.rpartition(": ")
                uchardet[Path(path).name] = label.strip()
    else:
        print("uchardet not installed (apt-get install uchardet): its column stays empty", file=sys.stderr)

    for i, f in zip(ids, files):
        best = from_bytes(f.read_bytes()).best()
        cn = best.encoding if best is not None else ""
        print(f"{i}\t{uchardet.get(i, '')}\t{cn}")


if __name__ == "__main__":
    main()
