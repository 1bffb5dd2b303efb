"""Held-out boilerplate wording for `scripts/make-strip-set --heldout`.

Written after the rules were last changed and run against them once, as a
check of how far the rules generalize beyond the main templates' wording
(docs/eval-strip.md reports that first run). Same families, new phrasing;
nothing here was used to write or adjust a rule.
"""

from templates import date, name, site, url, SECTIONS


def h_meta(rng):
    return rng.choice([
        f"发布日期：{date(rng, False)} | 来源：{site(rng)} | 浏览量：{rng.randint(10, 9999)}",
        f"更新时间：{date(rng, True)}　作者：{name(rng)}",
        f"栏目：{rng.choice(SECTIONS)}　来源：{site(rng)}　点击：{rng.randint(1, 999)}",
    ])


def h_byline(rng):
    return rng.choice([f"本文作者：{name(rng)}", f"作者 | {name(rng)}", f"撰稿：{name(rng)}", f"记者/{name(rng)}", f"文丨{name(rng)} 图丨{name(rng)}", f"责编：{name(rng)}"])


def h_breadcrumb(rng):
    return rng.choice([f"您当前的位置：首页 > {rng.choice(SECTIONS)}中心", f"位置：首页 > {rng.choice(SECTIONS)}", f"所在位置：网站首页 > {rng.choice(SECTIONS)} > 正文"])


def h_follow(rng):
    return rng.choice(["▲点击上方蓝字关注我们", f"点击上方“{site(rng)}”可以订阅哦", "关注我们，第一时间获取最新资讯"])


def h_stats(rng):
    return rng.choice([f"阅读本文大约需要{rng.randint(2, 12)}分钟", f"浏览量：{rng.randint(10, 99999)}", f"{rng.randint(100, 99999)}人看过"])


def h_account(rng):
    return f"收录于合集 #{rng.choice(SECTIONS)} {rng.randint(2, 80)}个"


def h_gov(rng):
    return rng.choice(["字体：大 中 小", "【打印】【关闭】", f"索引号：{rng.randint(100, 999)}-{rng.randint(2015, 2024)}-{rng.randint(1, 999):03d}"])


HEADER = [h_meta, h_byline, h_breadcrumb, h_follow, h_stats, h_account, h_gov]


def i_line(rng):
    return rng.choice([
        "点击展开全文", "展开全文↓", "图片来自网络", f"（图片来源：{site(rng)}）", "资料图", "打开APP，查看更多高清图片",
        "分享到：", f"{site(rng)}供图，转载请注明", "在这里插入图片描述", "继续阅读",
    ])


def i_caption(rng, title):
    credit = rng.choice([f"（图片来源：{site(rng)}）", f" 摄影/{name(rng)}", f"（{site(rng)}供图）", f" 图片来源/{site(rng)}"])
    return title + credit, title


def f_single(rng, title):
    return rng.choice([
        "（完）", f"【责任编辑：{name(rng)}】", f"文章来源：{url(rng)}", f"本文地址：{url(rng)}", f"原文出处：{url(rng)}",
        "— 完 —", "扫码关注我们", "欢迎关注我们的公众号", f"备案号：京ICP备{rng.randint(10000000, 99999999)}号",
        f"Copyright © {rng.randint(2010, 2024)} {site(rng)} All Rights Reserved", f"下一篇文章：{title}", f"上一篇文章：{title}",
    ])


def f_disclaimer(rng):
    return rng.choice([
        f"转载请注明来源：{site(rng)}",
        "版权声明：本文为博主原创文章，遵循 CC 4.0 BY-SA 版权协议，转载请附上原文出处链接和本声明。",
        "免责声明：文章内容来自互联网，本站不对其真实性负责，也不承担相关法律责任。如有侵权请联系删除。",
        "投资有风险，入市需谨慎。",
        "以上观点仅代表作者本人，不代表本平台立场。",
        f"本文系{site(rng)}原创，转载请注明出处。",
        "部分图片来源于网络，版权归原作者所有。",
    ])


RELATED_HEADS = ["相关新闻", "热门推荐", "精彩推荐：", "更多精彩"]
