"""Tests of the audit record (scripts/strip_real/audit.py).

Run: python3 -m unittest discover -s scripts/strip_real -p 'test_*.py'
"""

import hashlib
import json
import os
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import audit  # noqa: E402


class RecordTest(unittest.TestCase):
    def test_a_page_is_recorded_by_hashes_and_verdicts_once(self):
        with tempfile.TemporaryDirectory() as d:
            work, pages = os.path.join(d, "work"), os.path.join(d, "pages")
            os.makedirs(work)
            text = "标题\n首页 > 新闻\n正文第一段。\n"
            with open(os.path.join(work, "001.txt"), "w", encoding="utf-8") as f:
                f.write(text)
            with open(os.path.join(work, "urls.tsv"), "w", encoding="utf-8") as f:
                f.write("001\thttps://news.example.org/a/1\n")
            with open(os.path.join(work, "judgments.tsv"), "w", encoding="utf-8") as f:
                f.write("001\thttps://news.example.org/a/1\t2\theader-breadcrumb\tRIGHT\tx\n")
            out = os.path.join(d, "audit.jsonl")
            with mock.patch.object(audit, "AUDIT", out):
                audit.record([work], pages)
                audit.record([work], pages)
            with open(out, encoding="utf-8") as f:
                recs = [json.loads(line) for line in f]
            self.assertEqual(len(recs), 1)
            rec = recs[0]
            self.assertEqual(rec["site"], "example.org")
            self.assertEqual(rec["sha256"], hashlib.sha256(text.encode()).hexdigest())
            self.assertEqual(rec["removals"], [{
                "line": 2, "sha1": hashlib.sha1("首页 > 新闻".encode()).hexdigest()[:12],
                "rule": "header-breadcrumb", "verdict": "right"}])
            self.assertNotIn("首页", json.dumps(rec, ensure_ascii=False))
            self.assertTrue(os.path.exists(os.path.join(pages, rec["sha256"][:16] + ".txt")))


if __name__ == "__main__":
    unittest.main()
