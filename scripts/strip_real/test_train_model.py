"""Tests of scripts/train-strip-model's learning and threshold choice.

Run: python3 -m unittest discover -s scripts/strip_real -p 'test_*.py'
"""

import importlib.machinery
import importlib.util
import os
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "train-strip-model")
loader = importlib.machinery.SourceFileLoader("train_strip_model", SCRIPT)
spec = importlib.util.spec_from_loader(loader.name, loader)
train_model = importlib.util.module_from_spec(spec)
loader.exec_module(train_model)


def row(site, features, y, ruled=False):
    return (site, features, ruled, y)


class VocabularyTest(unittest.TestCase):
    def test_a_cue_of_one_site_is_not_learnt(self):
        rows = [row("a.com", ["b:登录", "w:only"], 1), row("b.com", ["b:登录"], 1)]
        self.assertEqual(train_model.vocabulary(rows, 2), ["b:登录"])


class TrainTest(unittest.TestCase):
    def test_weights_follow_the_labels(self):
        rows = [row(f"s{i}.com", ["b:登录", "zone:header"], 1) for i in range(6)]
        rows += [row(f"t{i}.com", ["b:结语", "zone:header"], 0) for i in range(6)]
        bias, w = train_model.train(rows, train_model.vocabulary(rows, 2), 0.001)
        self.assertGreater(w["b:登录"], 0)
        self.assertLess(w["b:结语"], 0)
        self.assertGreater(train_model.score((bias, w), ["b:登录", "zone:header"]), 0)
        self.assertLess(train_model.score((bias, w), ["b:结语", "zone:header"]), 0)


class ThresholdTest(unittest.TestCase):
    def test_the_threshold_stops_before_a_costly_wrong_removal(self):
        scored = [
            (5.0, row("a", [], 1)),
            (4.0, row("b", [], 1)),
            (3.0, row("c", [], 0)),
            (2.0, row("d", [], 1)),
            (9.0, row("e", [], 0, ruled=True)),  # taken by a rule: not counted
        ]
        threshold, right, wrong, total = train_model.pick_threshold(scored, cost=6)
        self.assertEqual((threshold, right, wrong, total), (4.0, 2, 0, 3))

    def test_no_gain_means_no_removal(self):
        scored = [(5.0, row("a", [], 0)), (4.0, row("b", [], 1))]
        threshold, right, wrong, _ = train_model.pick_threshold(scored, cost=6)
        self.assertEqual((threshold, right, wrong), (float("inf"), 0, 0))


if __name__ == "__main__":
    unittest.main()
