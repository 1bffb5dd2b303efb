"""zhtidy: clean scraped Chinese articles (Python bindings).

The pipeline the ``zhtidy`` command runs, in-process: decode → strip
boilerplate → fix stray glyphs → convert (OpenCC 1.4.2-exact)::

    import zhtidy

    p = zhtidy.Pipeline(to="tw")
    p.clean("展开全文\\n软件开发的第一步是理解需求。\\n")
    p.clean_many(texts)              # parallel (rayon), GIL released
    r = p.clean_bytes(raw_bytes)     # detects the encoding; r.removals, r.fix_changes …
    zhtidy.convert("简体字", config="s2twp")
    zhtidy.detect(raw_bytes).encoding
    zhtidy.minhash(text)             # the signature `zhtidy dedup` compares
    zhtidy.MinHasher().sign_many(texts)  # [(minhash, band_hashes)], for groupBy

Errors are ``zhtidy.ZhtidyError`` (a ``ValueError``) and its subclasses,
with the command line's messages.
"""

from ._zhtidy import (
    BinaryInputError,
    ConfigError,
    DecodeError,
    Detection,
    FixChange,
    FixNote,
    MinHasher,
    Pipeline,
    Removal,
    Result,
    StripRefusal,
    ZhtidyError,
    __version__,
    convert,
    detect,
    minhash,
)

__all__ = [
    "BinaryInputError",
    "ConfigError",
    "DecodeError",
    "Detection",
    "FixChange",
    "FixNote",
    "MinHasher",
    "Pipeline",
    "Removal",
    "Result",
    "StripRefusal",
    "ZhtidyError",
    "__version__",
    "convert",
    "detect",
    "minhash",
]
