"""Type stubs for zhtidy (the extension module zhtidy._zhtidy)."""

from os import PathLike
from typing import Literal, Optional, Sequence, Union

__version__: str

Target = Literal["s", "t", "tw", "twp", "hk", "hkp", "jp"]
SourceScript = Literal["s", "t", "tw", "hk", "jp"]

class ZhtidyError(ValueError):
    """Base class of zhtidy's errors."""

class ConfigError(ZhtidyError):
    """A pipeline or converter that cannot be built (unknown target, config,
    rule id or encoding name, unreadable rule file, bad share)."""

class DecodeError(ZhtidyError):
    """Bytes that no encoding (or not the forced one) decodes without loss."""

class BinaryInputError(ZhtidyError):
    """Bytes that look binary; not cleaned."""

class Removal:
    """One thing strip removed."""

    rule: str
    family: str
    line: int
    text: str
    kind: Literal["line", "suffix"]
    at: int
    deleted: str
    def to_dict(self) -> dict: ...

class FixChange:
    """One change the fix stage made (positions in the input)."""

    rule: str
    line: int
    column: int
    offset: int
    from_: str
    to: str
    def to_dict(self) -> dict: ...

class FixNote:
    """Something the fix stage noticed but left alone."""

    id: str
    line: int
    column: int
    offset: int
    text: str
    message: str
    def to_dict(self) -> dict: ...

class StripRefusal:
    """Strip's safety limit kept the document unchanged."""

    would_remove: int
    lines: int
    max_share: float
    message: str
    def to_dict(self) -> dict: ...

class Result:
    """What the pipeline did to one document."""

    text: str
    encoding: Optional[str]
    encoding_confidence: Optional[float]
    bom: bool
    replacements: int
    mojibake: Optional[str]
    mojibake_fixed: bool
    removals: list[Removal]
    strip_refused: Optional[StripRefusal]
    fix_changes: list[FixChange]
    fix_notes: list[FixNote]
    script: Optional[str]
    converted_with: list[str]
    def to_dict(self) -> dict:
        """The keys and values of ``zhtidy --output-format json`` (no ``path``)."""

class Detection:
    """The encoding of some bytes, as ``zhtidy detect`` reports it."""

    encoding: str
    confidence: Optional[float]
    bom: bool
    mojibake: Optional[str]
    replacements: int
    binary: Optional[str]

class Pipeline:
    """The cleaning pipeline, built once (options checked here) and reused.

    The keyword arguments are the command line's options: ``to="tw"`` is
    ``--to tw``, ``source`` is ``--from``, ``strip=False`` is
    ``--no-strip``, ``fix=False`` is ``--no-fix``, and so on.
    """

    def __init__(
        self,
        to: Optional[Target] = None,
        *,
        source: Optional[SourceScript] = None,
        strip: bool = True,
        fix: bool = True,
        disable: Sequence[str] = (),
        enable: Sequence[str] = (),
        strip_rules: Sequence[Union[str, PathLike[str]]] = (),
        max_removed_share: float = 0.5,
        encoding: Optional[str] = None,
        lossy: bool = False,
        fix_mojibake: bool = False,
    ) -> None: ...
    def clean(self, text: str) -> str:
        """The cleaned text (the same object when nothing changed)."""
    def run(self, text: str) -> Result:
        """Cleans ``text`` and reports what each stage did."""
    def clean_bytes(self, data: bytes, name: Optional[str] = None) -> Result:
        """Decodes ``data`` (encoding detected unless forced), cleans it and
        reports what each stage did; ``name`` prefixes error messages."""
    def clean_many(
        self, texts: Sequence[Optional[str]], threads: Optional[int] = None
    ) -> list[Optional[str]]:
        """Cleans a batch in parallel (GIL released), results in input order;
        None stays None."""

def convert(text: str, config: str = "s2t") -> str:
    """OpenCC-exact conversion with a bundled config or an OpenCC JSON config file."""

def detect(data: bytes) -> Detection:
    """The encoding of ``data``, as ``zhtidy detect`` reports it."""

class MinHasher:
    """MinHash signatures and LSH band hashes, exactly as `zhtidy dedup`
    makes them (text folded to one script and punctuation width)."""

    threshold: float
    shingle: int
    permutations: int
    bands: int
    rows: int
    def __init__(self, threshold: float = 0.8, shingle: int = 5, permutations: int = 128) -> None: ...
    def minhash(self, text: str) -> list[int]: ...
    def band_hashes(self, text: str) -> list[int]: ...
    def sign_many(
        self, texts: Sequence[str], threads: Optional[int] = None
    ) -> list[tuple[list[int], list[int]]]: ...
    def similarity(self, a: Sequence[int], b: Sequence[int]) -> float: ...
    def near(self, a: Sequence[int], b: Sequence[int]) -> bool: ...

def minhash(text: str, shingle: int = 5, permutations: int = 128) -> list[int]: ...
