"""ftfy on the mojibake set, for scripts/eval-detect: runs `ftfy.fix_text`
(everything ftfy does) and `ftfy.fix_encoding` (its mojibake repair only)
on every file of SET_DIR (read as UTF-8) and prints
`ID<TAB>CHANGED<TAB>RESTORED<TAB>ENC_CHANGED<TAB>ENC_RESTORED` lines (1/0):
whether each changed the text, and whether its output is exactly the
original text (original/ID)."""
import sys
from pathlib import Path

import ftfy


def main() -> None:
    root = Path(sys.argv[1])
    for line in (root / "labels.tsv").read_text().splitlines():
        ident = line.split("\t")[0]
        text = (root / "files" / ident).read_bytes().decode("utf-8")
        original = root / "original" / ident
        expected = original.read_text(encoding="utf-8") if original.exists() else None
        fields = [ident]
        for fix in (ftfy.fix_text, ftfy.fix_encoding):
            fixed = fix(text)
            fields += [str(int(fixed != text)), str(int(fixed == expected))]
        print("\t".join(fields))


if __name__ == "__main__":
    main()
