"""The Python module against the command line, on the same inputs.

Each test runs `zhtidy` (the binary from conftest) and the module on the
same text or bytes and compares what comes out: cleaned text, the JSON
report (`--output-format json` against `Result.to_dict()`), `convert`,
`detect`, and error messages.
"""

import json
import pickle

import pytest
import zhtidy

from samples import SIMPLIFIED, TRADITIONAL, documents

DOCS = documents(24)

# (command-line options, the same pipeline in Python)
CONFIGS = [
    ([], {}),
    (["--to", "tw"], {"to": "tw"}),
    (["--to", "s"], {"to": "s"}),
    (["--to", "twp"], {"to": "twp"}),
    (["--to", "hk", "--from", "t"], {"to": "hk", "source": "t"}),
    (["--no-strip"], {"strip": False}),
    (["--no-fix", "--to", "t"], {"fix": False, "to": "t"}),
    (["--disable", "inline-expand-fulltext"], {"disable": ["inline-expand-fulltext"]}),
]


@pytest.mark.parametrize("args,kwargs", CONFIGS, ids=[" ".join(a) or "default" for a, _ in CONFIGS])
def test_clean_equals_cli(run_cli, args, kwargs):
    p = zhtidy.Pipeline(**kwargs)
    changed = 0
    for doc in DOCS:
        want = run_cli([*args, "-"], doc.encode("utf-8")).stdout.decode("utf-8")
        got = p.clean(doc)
        assert got == want, f"{args}: {doc[:40]!r}"
        changed += got != doc
    # The documents are made to need cleaning: a pipeline that did nothing
    # would pass the equality above only if the CLI did nothing too.
    assert changed > len(DOCS) // 2


def encoded_inputs():
    """(label, bytes) in several encodings, each document that fits."""
    out = []
    for i, doc in enumerate(DOCS[:12]):
        for enc in ("utf-8", "gbk", "big5", "gb18030"):
            try:
                out.append((f"{i}-{enc}", doc.encode(enc)))
            except UnicodeEncodeError:
                pass
        out.append((f"{i}-utf-16-bom", b"\xff\xfe" + doc.encode("utf-16-le")))
        out.append((f"{i}-utf-8-bom", b"\xef\xbb\xbf" + doc.encode("utf-8")))
    # Traditional articles that Big5 can hold (the generated ones mix in
    # characters it lacks).
    big5 = []
    for para in TRADITIONAL:
        try:
            big5.append(para.encode("big5"))
        except UnicodeEncodeError:
            pass
    assert len(big5) >= 3
    head = "來源：晨光日報\n\n".encode("big5")
    out.append(("trad-big5", head + b"\n\n".join(big5) + b"\n"))
    out.append(("trad-big5-short", b"\n".join(big5[:2]) + "\n責任編輯：張三\n".encode("big5")))
    return out


def test_clean_bytes_equals_cli_json(run_cli):
    p = zhtidy.Pipeline(to="tw")
    inputs = encoded_inputs()
    encodings = set()
    for label, data in inputs:
        want = json.loads(run_cli(["--to", "tw", "--output-format", "json", "-"], data).stdout)
        assert want.pop("path") == "<stdin>"
        got = p.clean_bytes(data)
        assert got.to_dict() == want, label
        assert got.text == want["text"] and got.encoding == want["encoding"]
        assert [r.rule for r in got.removals] == [r["rule"] for r in want["removals"]]
        assert [(c.rule, c.from_, c.to) for c in got.fix_changes] == [
            (c["rule"], c["from"], c["to"]) for c in want["fix"]["changes"]
        ]
        encodings.add(got.encoding)
    assert {"UTF-8", "GBK", "Big5", "UTF-16LE"} <= encodings


def test_run_reports_stages():
    p = zhtidy.Pipeline(to="tw")
    r = p.run("展开全文\n软件开发的第一步是理解需求，这一点所有人都同意。\n")
    assert r.text == "軟件開發的第一步是理解需求，這一點所有人都同意。\n"
    assert [(x.rule, x.line, x.kind) for x in r.removals] == [("inline-expand-fulltext", 1, "line")]
    assert r.converted_with == ["s2tw"] and r.script == "simplified"
    assert r.encoding is None


def test_fix_changes_are_python_objects():
    r = zhtidy.Pipeline().run("這是繁體中文的句子，他們離开了會場。\n")
    (c,) = r.fix_changes
    assert (c.rule, c.from_, c.to, c.line, c.column) == ("stray-glyph", "开", "開", 1, 14)
    assert c.to_dict()["from"] == "开"


def test_clean_many_equals_clean_in_order():
    p = zhtidy.Pipeline(to="s")
    docs = DOCS * 5
    one_by_one = [p.clean(d) for d in docs]
    assert p.clean_many(docs) == one_by_one
    assert p.clean_many(docs, threads=1) == one_by_one
    assert p.clean_many(docs, threads=3) == one_by_one
    assert p.clean_many([]) == []
    assert p.clean_many(["这是", None]) == ["这是", None]


def test_clean_many_keeps_every_kind_of_character():
    # Texts that change come back through UTF-32 where wchar_t holds one
    # (src/text_out.rs), ASCII ones through UTF-8: characters of every
    # UTF-8 length, outside the BMP included, survive either way.
    p = zhtidy.Pipeline(to="tw")
    docs = [
        "𠮷野家的菜单开了，价格是€5。\n",
        "plain ASCII, changed: 来源\n",
        "来源：新华网\n\n正文在这里，𩸽鱼很好吃。\n",
        "é ü ñ 这是\U0001F600表情\n",
    ]
    assert p.clean_many(docs) == [p.clean(d) for d in docs]
    assert any("𠮷" in t for t in p.clean_many(docs))


def test_unchanged_text_is_returned_as_is():
    p = zhtidy.Pipeline(to="s")
    s = "".join(SIMPLIFIED)
    assert p.clean(s) is s
    assert p.clean_many([s])[0] is s


@pytest.mark.parametrize("config", ["s2t", "s2twp", "s2hk", "t2s", "tw2sp", "t2jp", "hk2s"])
def test_convert_equals_cli(run_cli, config):
    text = "\n".join(SIMPLIFIED + TRADITIONAL) + "\n"
    want = run_cli(["convert", "--config", config], text.encode("utf-8")).stdout.decode("utf-8")
    assert zhtidy.convert(text, config=config) == want
    assert want != text


def test_detect_equals_cli(run_cli):
    inputs = [data for _, data in encoded_inputs()]
    inputs += [b"abc\x00def\x00", "中文".encode("utf-8").decode("latin-1").encode("utf-8")]
    for data in inputs:
        (want,) = json.loads(run_cli(["detect", "--output-format", "json", "-"], data).stdout)
        got = zhtidy.detect(data)
        assert got.encoding == want["encoding"]
        if want["encoding"] == "binary":
            assert got.binary == want["binary"] and got.confidence is None
            continue
        assert round(got.confidence, 2) == want["confidence"]
        assert (got.bom, got.mojibake, got.replacements) == (
            want["bom"], want["mojibake"], want["replacements"]
        )


def cli_error(run_cli, args, data=b"x\n"):
    proc = run_cli(args, data, check=False)
    assert proc.returncode == 2, proc
    return proc.stderr.decode("utf-8").strip()


MALFORMED = b"ab\xc3\x28cd\n"
BINARY = b"abc\x00def\x00ghi"


@pytest.mark.parametrize(
    "args,data,call,exc",
    [
        (["--encoding", "utf-8", "-"], MALFORMED, lambda d: zhtidy.Pipeline(encoding="utf-8").clean_bytes(d, name="<stdin>"), zhtidy.DecodeError),
        (["-"], BINARY, lambda d: zhtidy.Pipeline().clean_bytes(d, name="<stdin>"), zhtidy.BinaryInputError),
        (["--encoding", "nope", "-"], b"x\n", lambda d: zhtidy.Pipeline(encoding="nope"), zhtidy.ConfigError),
        (["--disable", "nope", "-"], b"x\n", lambda d: zhtidy.Pipeline(disable=["nope"]), zhtidy.ConfigError),
        (["--max-removed-share", "2", "-"], b"x\n", lambda d: zhtidy.Pipeline(max_removed_share=2.0), zhtidy.ConfigError),
        (["--strip-rules", "no-such-rules.toml", "-"], b"x\n", lambda d: zhtidy.Pipeline(strip_rules=["no-such-rules.toml"]), zhtidy.ConfigError),
        (["convert", "--config", "nope"], b"x\n", lambda d: zhtidy.convert("x", config="nope"), zhtidy.ConfigError),
    ],
    ids=["malformed", "binary", "encoding", "rule", "share", "rule-file", "config"],
)
def test_errors_carry_the_cli_message(run_cli, args, data, call, exc):
    message = cli_error(run_cli, args, data)
    with pytest.raises(exc) as info:
        call(data)
    assert isinstance(info.value, zhtidy.ZhtidyError) and isinstance(info.value, ValueError)
    # The command line may add advice about its own flags or commands
    # (`--lossy`, `zhtidy rules`) after the message the library gives.
    prefix = f"zhtidy: error: {info.value}"
    rest = message[len(prefix):]
    assert message.startswith(prefix), (message, prefix)
    assert rest == "" or rest.startswith((" (", "; ")), message


def test_bad_arguments_without_a_cli_twin():
    with pytest.raises(zhtidy.ConfigError, match="unknown target"):
        zhtidy.Pipeline(to="xx")
    with pytest.raises(zhtidy.ConfigError, match="needs `to`"):
        zhtidy.Pipeline(source="s")
    with pytest.raises(zhtidy.ConfigError, match="strip=False"):
        zhtidy.Pipeline(strip=False, disable=["x"])
    with pytest.raises(TypeError):
        zhtidy.Pipeline().clean(b"bytes")


def test_pipeline_pickles():
    p = zhtidy.Pipeline("tw", disable=["inline-expand-fulltext"], fix=False)
    q = pickle.loads(pickle.dumps(p))
    assert repr(q) == repr(p)
    assert [q.clean(d) for d in DOCS] == [p.clean(d) for d in DOCS]


def test_typing_files_ship():
    import importlib.resources as res

    files = res.files("zhtidy")
    assert files.joinpath("py.typed").is_file()
    stub = files.joinpath("__init__.pyi").read_text(encoding="utf-8")
    for name in zhtidy.__all__:
        assert name in stub, name


def test_minhash_folds_script_and_width_and_batches_agree():
    text = "".join(SIMPLIFIED[:4]) + SIMPLIFIED[6]
    sig = zhtidy.minhash(text)
    assert len(sig) == 128 and all(0 <= m < 2**32 for m in sig)
    h = zhtidy.MinHasher(threshold=0.8)
    # The Traditional copy folds back to (nearly) the same characters.
    converted = zhtidy.minhash(zhtidy.convert(text, "s2t"))
    assert h.near(converted, sig) and h.similarity(converted, sig) >= 0.9
    assert h.minhash(text) == sig
    assert (h.bands, h.rows) == (16, 8)
    texts = [text, text.replace("三亿", "五亿"), "", "完全不同的另一篇文章，讲的是城市地铁的新线路。"]
    signed = h.sign_many(texts, threads=2)
    assert [s for s, _ in signed] == [h.minhash(t) for t in texts]
    assert [b for _, b in signed] == [h.band_hashes(t) for t in texts]
    assert all(-(2**63) <= x < 2**63 for _, b in signed for x in b)
    assert signed[2][1] == []  # no characters: never a duplicate
    assert h.near(signed[0][0], signed[1][0]) and not h.near(signed[0][0], signed[3][0])
    assert 0.8 <= h.similarity(signed[0][0], signed[1][0]) < 1.0


def test_minhasher_pickles_and_refuses_bad_parameters():
    h = zhtidy.MinHasher(threshold=0.7, shingle=4, permutations=64)
    again = pickle.loads(pickle.dumps(h))
    assert repr(again) == repr(h) == "MinHasher(threshold=0.7, shingle=4, permutations=64)"
    assert again.minhash("一二三四五六七八九十") == h.minhash("一二三四五六七八九十")
    for bad in ({"threshold": 0}, {"shingle": 0}, {"permutations": 1}):
        with pytest.raises(zhtidy.ConfigError):
            zhtidy.MinHasher(**bad)
