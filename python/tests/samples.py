"""Test documents: scraped-article shapes built from fixed paragraphs.

Deterministic (seeded), no downloads. Each document mixes real-looking
prose with what zhtidy cleans: reposting boilerplate (展开全文, 来源 lines,
编辑 credits, disclaimers), stray glyphs of the other script, HTML
entities, zero-width characters, and both scripts. The repository's own
fixtures are added as they are.
"""

import json
import pathlib
import random

ROOT = pathlib.Path(__file__).resolve().parents[2]

SIMPLIFIED = [
    "软件开发的第一步是理解需求，这一点所有人都同意。",
    "记者从市交通局获悉，地铁三号线将于下月开通试运营，全长二十多公里。",
    "专家认为，人工智能的发展已经进入新阶段，但数据质量仍然是关键。",
    "这家公司去年的营业收入增长了百分之十五，利润却有所下降。",
    "他说：这是“重要”的一步，我们会继续努力。",
    "红、黄、蓝三种颜色在这幅画里反复出现，给人留下深刻印象。",
    "据了解，该项目总投资约三亿元，预计两年内建成。",
]
TRADITIONAL = [
    "這是一段很長的正文，講述了一件發生在城市裡的事情，足足有五十個字那麼長的一段話。",
    "軟體開發的第一步是理解需求，這一點所有人都同意。",
    "研究人員表示，這項技術可以大幅降低能源消耗，並已申請專利。",
    "當前的人工智能發展，已經進入新階段。",
    "他們離开了會場，這是第二段很長的正文，也有很多很多字。",
    "市政府宣佈，明年起將擴大公共運輸的補貼範圍。",
]
BOILERPLATE_HEAD = [
    "展开全文",
    "来源：晨光日报",
    "來源：晨光日報",
    "原标题：地铁三号线下月开通",
    "（记者 王小明 通讯员 李华）",
]
BOILERPLATE_TAIL = [
    "责任编辑：张三",
    "責任編輯：張三",
    "声明：本文转载自网络，版权归原作者所有，如有侵权请联系删除。",
    "免责声明：本文仅代表作者本人观点，与本网无关。",
    "点击关注，获取更多精彩内容",
]
NOISE = ["&nbsp;", "&amp;", "\u200b", "&#x4E2D;"]


def fixture_texts():
    """The repository's own test inputs (fix fixtures, example article)."""
    paths = sorted((ROOT / "tests" / "fixtures" / "fix").glob("*.in.txt"))
    paths.append(ROOT / "examples" / "reposted-article.zh-Hant.txt")
    return [p.read_text(encoding="utf-8") for p in paths if p.exists()]


def document(rng):
    """One scraped article."""
    body = rng.choice([SIMPLIFIED, TRADITIONAL])
    lines = []
    if rng.random() < 0.6:
        lines.append(rng.choice(BOILERPLATE_HEAD))
        lines.append("")
    for _ in range(rng.randint(2, 6)):
        para = "".join(rng.choice(body) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.3:
            at = rng.randrange(len(para))
            para = para[:at] + rng.choice(NOISE) + para[at:]
        lines.append(para)
        lines.append("")
    if rng.random() < 0.6:
        lines.append(rng.choice(BOILERPLATE_TAIL))
    text = "\n".join(lines) + "\n"
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    return text


def documents(n, seed=8):
    """`n` documents: the fixtures first, then generated ones."""
    rng = random.Random(seed)
    docs = fixture_texts()[:n]
    while len(docs) < n:
        docs.append(document(rng))
    return docs


def jsonl_records(n, seed=8):
    """`n` records `{"id", "text", "source"}` (one JSON line each)."""
    return [
        json.dumps({"id": i, "text": t, "source": f"site-{i % 7}"}, ensure_ascii=False)
        for i, t in enumerate(documents(n, seed))
    ]
