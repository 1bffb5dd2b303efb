"""PySpark in local[2] mode over a JSONL dataset, both ways a Spark job
would use zhtidy, each checked record for record against a single-process
run of the same data:

1. `RDD.pipe` through the command line, `zhtidy --jsonl --field text`
   (absolute path: Spark starts the command with an empty environment);
2. a DataFrame column cleaned by a pandas (Arrow) UDF calling the module.

Needs pyspark, pandas and pyarrow (scripts/test installs them) and Java 17.
"""

import json
import os
import shlex
import subprocess
import sys

import pytest
import zhtidy

from samples import jsonl_records

N = 600


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    lines = jsonl_records(N)
    path = tmp_path_factory.mktemp("spark") / "articles.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path, lines


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("zhtidy-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_rdd_pipe_through_the_cli_equals_a_single_process_run(spark, cli, dataset):
    path, lines = dataset
    command = [str(cli), "--jsonl", "--field", "text"]
    single = subprocess.run(
        command, input="".join(line + "\n" for line in lines).encode("utf-8"),
        capture_output=True, timeout=300,
    )
    assert single.returncode == 0, single.stderr.decode("utf-8", "replace")
    want = [json.loads(line) for line in single.stdout.decode("utf-8").splitlines()]
    assert len(want) == N

    rdd = spark.sparkContext.textFile(str(path), minPartitions=4)
    assert rdd.getNumPartitions() >= 2
    got = rdd.pipe(shlex.join(command), checkCode=True).map(json.loads).collect()
    assert got == want

    # …and the command line's text is the module's.
    p = zhtidy.Pipeline()
    inputs = [json.loads(line) for line in lines]
    assert [r["id"] for r in got] == [r["id"] for r in inputs]
    # A JSON Lines field that did not end with a line break keeps none
    # (docs/cli.md); the module cleans a text as a file, which ends with one.
    def as_field(before, after):
        if before.endswith("\n") or not after.endswith("\n"):
            return after
        return after.rstrip("\r\n")

    module = p.clean_many([r["text"] for r in inputs])
    assert [r["text"] for r in got] == [
        as_field(i["text"], m) for i, m in zip(inputs, module)
    ]
    assert sum(r["text"] != i["text"] for r, i in zip(got, inputs)) > N // 2


def test_pandas_udf_equals_a_single_process_run(spark, dataset):
    import pandas as pd
    from pyspark.sql import functions as F

    path, lines = dataset
    pipeline = zhtidy.Pipeline(to="tw")

    # Defined here so that it is shipped to the workers by value; the
    # pipeline travels with it (it pickles as its arguments).
    @F.pandas_udf("string")
    def clean(texts: pd.Series) -> pd.Series:
        return pd.Series(pipeline.clean_many(texts.tolist(), threads=1), index=texts.index)

    df = spark.read.json(str(path)).repartition(4)
    rows = df.withColumn("clean", clean("text")).select("id", "source", "clean").collect()

    inputs = {r["id"]: r for r in map(json.loads, lines)}
    assert len(rows) == N and {r.id for r in rows} == set(inputs)
    for row in rows:
        rec = inputs[row.id]
        assert row.source == rec["source"]
        assert row.clean == pipeline.clean(rec["text"]), row.id


def test_band_hash_groupby_gives_the_cli_clusters(spark, cli, tmp_path):
    """Deduplicating a DataFrame the usual way — band hashes exploded,
    `groupBy` on (band, hash), candidate pairs checked with `near`, joined
    transitively — gives `zhtidy dedup`'s clusters, since the signatures
    and band hashes are the command line's."""
    import pandas as pd
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    # Documents drawn from a few sentences (many near-duplicates by
    # chance) and Traditional copies of some (cross-script duplicates).
    records = [{"id": str(r["id"]), "text": r["text"]} for r in map(json.loads, jsonl_records(240))]
    records += [
        {"id": f"{r['id']}-s2t", "text": zhtidy.convert(r["text"], "s2t")}
        for r in records[::7]
    ]
    path = tmp_path / "docs.jsonl"
    path.write_text(
        "".join(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n" for r in records),
        encoding="utf-8",
    )
    out = subprocess.run([str(cli), "dedup", "-q", "--jsonl", "--id-field", "id", str(path)],
                         capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")
    want = set()
    for line in out.stdout.decode("utf-8").splitlines():
        c = json.loads(line)
        want.add(frozenset([c["representative"]["id"]] + [m["id"] for m in c["members"]]))
    assert len(want) >= 3 and any(any(i.endswith("-s2t") for i in c) for c in want)

    hasher = zhtidy.MinHasher()
    schema = T.StructType([
        T.StructField("minhash", T.ArrayType(T.LongType())),
        T.StructField("bands", T.ArrayType(T.LongType())),
    ])

    @F.pandas_udf(schema)
    def sign(texts: pd.Series) -> pd.DataFrame:
        signed = hasher.sign_many(texts.tolist(), threads=1)
        return pd.DataFrame({"minhash": [s for s, _ in signed], "bands": [b for _, b in signed]})

    df = spark.createDataFrame([(r["id"], r["text"]) for r in records], "id string, text string")
    signed = df.withColumn("sig", sign("text")).select("id", "sig.minhash", "sig.bands").cache()
    # One shuffle: the buckets. The few candidate pairs are checked on the
    # driver (on a cluster: a join on the pairs, or a UDF over the bucket).
    buckets = (signed.select("id", F.posexplode("bands").alias("band", "hash"))
               .groupBy("band", "hash").agg(F.collect_set("id").alias("ids"))
               .where(F.size("ids") > 1).select("ids").collect())
    sigs = {r.id: r.minhash for r in signed.select("id", "minhash").collect()}
    pairs = {(a, b) for r in buckets for a in r.ids for b in r.ids if a < b}
    near = [(a, b) for a, b in pairs if hasher.near(sigs[a], sigs[b])]

    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in near:
        parent[find(a)] = find(b)
    groups = {}
    for x in list(parent):
        groups.setdefault(find(x), set()).add(x)
    got = {frozenset(g) for g in groups.values() if len(g) > 1}
    assert got == want
