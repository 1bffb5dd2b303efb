#!/usr/bin/env python3
"""Reference conversions by upstream OpenCC 1.4.2, for the differential tests.

Usage: opencc_reference.py CONFIG INPUT OUTPUT [INPUT OUTPUT ...]

Converts each UTF-8 INPUT file with the official Python binding
(`opencc==1.4.2`, `opencc.OpenCC(CONFIG).convert(text)`, library defaults:
include_tofu_risk_dictionaries=True) and writes the result to OUTPUT as
UTF-8. CONFIG is a bundled config name such as `s2t` or `s2twp`.

The whole file is converted in one call, as upstream converts a document:
no OpenCC dictionary key contains a line feed, so lines cannot influence
each other through a match, but converting the text whole also keeps the
rare cross-line effects (an ideographic description operator at the end of
a line takes its operands from the next one) exactly as upstream has them.
Bytes are passed through unchanged: newline translation is off on both
sides, so `\\r\\n` survives as it is.

Pass several INPUT OUTPUT pairs to load the config once.
"""
import sys

import opencc

EXPECTED_VERSION = "1.4.2"


def main() -> int:
    args = sys.argv[1:]
    if len(args) < 3 or len(args) % 2 != 1:
        sys.exit(__doc__)
    if opencc.__version__ != EXPECTED_VERSION:
        sys.exit(f"opencc_reference.py: opencc {opencc.__version__} installed, "
                 f"{EXPECTED_VERSION} required (run scripts/test)")
    config, pairs = args[0], args[1:]
    converter = opencc.OpenCC(config)
    for src, dst in zip(pairs[0::2], pairs[1::2]):
        with open(src, encoding="utf-8", newline="") as f:
            text = f.read()
        with open(dst, "w", encoding="utf-8", newline="") as f:
            f.write(converter.convert(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
