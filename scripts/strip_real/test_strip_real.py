"""Tests of the real-page label builder and the text recovery.

Run: python3 -m unittest discover -s scripts/strip_real -p 'test_*.py'
"""

import contextlib
import hashlib
import io
import json
import os
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build_labels  # noqa: E402
import recover  # noqa: E402

PAGE = "@@ https://new.example.org/a/1 | news | hans\nr:bc 首页 > 新闻\nk 正文第一段。\n"


class AppendRoundTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.out = os.path.join(self.dir, "pages.jsonl")
        old = {"url": "https://old.example.com/x", "site": "example.com", "labels": []}
        with open(self.out, "w", encoding="utf-8") as f:
            f.write(json.dumps(old) + "\n")

    def tearDown(self):
        self.tmp.cleanup()

    def build(self, text, *args):
        path = os.path.join(self.dir, "t.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        argv = ["build_labels.py", path, "--pages", self.dir, "--append", *args]
        with mock.patch.object(build_labels, "OUT", self.out), mock.patch.object(sys, "argv", argv):
            with contextlib.redirect_stdout(io.StringIO()):
                build_labels.main()
        with open(self.out, encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    def test_round_option_marks_the_new_records(self):
        recs = self.build(PAGE, "--round", "4")
        self.assertEqual(len(recs), 2)
        self.assertNotIn("round", recs[0])
        self.assertEqual(recs[1]["round"], 4)
        self.assertEqual([lab["label"] for lab in recs[1]["labels"]], ["remove", "keep"])

    def test_round_defaults_to_three(self):
        self.assertEqual(self.build(PAGE)[1]["round"], 3)

    def test_a_known_site_is_refused(self):
        with self.assertRaises(SystemExit):
            self.build(PAGE.replace("new.example.org", "www.example.com"), "--round", "4")


class RecoverTest(unittest.TestCase):
    def record(self, text):
        lines = text.split("\n")
        labels = [{"line": n, "sha1": hashlib.sha1(t.encode()).hexdigest()[:12], "label": "keep"}
                  for n, t in enumerate(lines, 1) if t.strip()]
        return {"url": "u", "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "lines": len(lines), "labels": labels}

    def test_the_first_lines_of_a_matching_excerpt_are_saved(self):
        rec = self.record("标题\n\n正文")
        with tempfile.TemporaryDirectory() as pages:
            self.assertEqual(recover.recover(rec, "标题\n\n正文\n后面的行", pages), "recovered")
            self.assertTrue(recover.is_present(pages, rec))

    def test_another_capture_is_not_saved_and_the_line_is_named(self):
        rec = self.record("标题\n\n正文")
        with tempfile.TemporaryDirectory() as pages:
            self.assertEqual(recover.recover(rec, "标题\n\n另一版正文", pages),
                             "differs at labelled lines [3]")
            self.assertFalse(recover.is_present(pages, rec))


if __name__ == "__main__":
    unittest.main()
