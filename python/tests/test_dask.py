"""Dask smoke test: a `dask.bag` over the JSONL dataset, partitions
cleaned by the module in worker processes, equal record for record to a
single-process run."""

import json

import dask.bag as db
import zhtidy

from samples import jsonl_records


def test_dask_bag_equals_a_single_process_run(tmp_path):
    lines = jsonl_records(300)
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    pipeline = zhtidy.Pipeline(to="s")

    def clean_partition(records):
        records = list(records)
        texts = pipeline.clean_many([r["text"] for r in records], threads=1)
        return [dict(r, text=t) for r, t in zip(records, texts)]

    bag = db.read_text(str(path), blocksize=len(path.read_bytes()) // 3).map(json.loads)
    assert bag.npartitions >= 2
    got = bag.map_partitions(clean_partition).compute(scheduler="processes", num_workers=2)

    want = [dict(r, text=pipeline.clean(r["text"])) for r in map(json.loads, lines)]
    assert got == want
