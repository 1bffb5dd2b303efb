"""Boilerplate templates and document assembly for scripts/make-strip-set.

Written for the evaluation from the family catalogue (shapes and triggers
seen on real pages), with wording varied on purpose: these strings are not
the rule files' examples, and the rules were not written from them.
Everything random comes from the `rng` passed in, so a seed gives the same
set every time.
"""

import sys

SITE_HEAD = ["晨光", "山海", "东方", "新视界", "蓝鲸", "金融界", "南风", "北辰", "星河", "云端", "前沿", "青柠", "知新", "观潮", "远见", "光锥", "极客", "深蓝"]
SITE_TAIL = ["日报", "网", "科技", "财经", "观察", "资讯", "周刊", "新闻", "笔记", "研究院", "时报", "智能", "在线"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高郑梁谢宋唐韩冯"
GIVEN = "小明华伟芳娜静丽强磊军洋勇艳杰娟涛超秀霞平刚英一宁远舟琳晨曦涵宇欣然思博文雨"
SECTIONS = ["新闻", "财经", "科技", "国际", "社会", "体育", "文化", "数码", "健康", "教育", "汽车", "房产"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def site(rng):
    return rng.choice(SITE_HEAD) + rng.choice(SITE_TAIL)


def name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))


def url(rng):
    host = "".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 10)))
    tld = rng.choice(["com", "cn", "net", "com.cn", "org"])
    path = rng.choice(["news", "article", "p", "post", "a", "html/2024"])
    scheme = rng.choice(["https://www.", "http://www.", "https://m.", "https://"])
    return f"{scheme}{host}.{tld}/{path}/{rng.randint(1000, 9999999)}.html"


def date(rng, with_time=None):
    y, m, d = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
    fmt = rng.choice(["{y}-{m:02d}-{d:02d}", "{y}年{m}月{d}日", "{y}/{m:02d}/{d:02d}", "{y}.{m:02d}.{d:02d}"])
    s = fmt.format(y=y, m=m, d=d)
    if with_time or (with_time is None and rng.random() < 0.5):
        s += " {:02d}:{:02d}".format(rng.randint(0, 23), rng.randint(0, 59))
        if rng.random() < 0.4:
            s += ":{:02d}".format(rng.randint(0, 59))
    return s


def sep(rng):
    return rng.choice([" ", "  ", "　", " | ", "｜"])


def pipe(rng):
    return rng.choice([" | ", "｜", "丨", " / ", "："])


# --- header -----------------------------------------------------------

def h_meta(rng):
    pool = [
        lambda: f"来源：{site(rng)}",
        lambda: f"作者：{name(rng)}",
        lambda: f"编辑：{name(rng)}",
        lambda: f"发布时间：{date(rng, True)}",
        lambda: f"阅读：{rng.randint(10, 99999)}",
        lambda: f"热度：{rng.randint(1, 999)}",
        lambda: f"浏览：{rng.randint(10, 9999)}次",
        lambda: f"时间：{date(rng, False)}",
        lambda: f"发表于：{date(rng)}",
        lambda: f"责任编辑：{name(rng)}",
    ]
    parts = [f() for f in rng.sample(pool, rng.randint(2, 4))]
    return sep(rng).join(parts)


def h_source(rng):
    return rng.choice([
        f"来源：{site(rng)}", f"文章来源：{site(rng)}", f"稿源：{site(rng)}", f"来源{pipe(rng)}{site(rng)}",
        f"本文来源：{url(rng)}", f"信息来源：{site(rng)}", f"来源：{site(rng)}微信公众号",
    ])


def h_byline(rng):
    return rng.choice([
        f"文{pipe(rng)}{name(rng)}",
        f"文{pipe(rng)}{site(rng)}，作者{pipe(rng)}{name(rng)}，编辑{pipe(rng)}{name(rng)}",
        f"作者：{name(rng)}{sep(rng)}编辑：{name(rng)}",
        f"撰文：{name(rng)}{sep(rng)}校对：{name(rng)}",
        f"记者 {name(rng)} {name(rng)}",
        f"文/{name(rng)}{sep(rng)}图/{name(rng)}",
        f"作者｜{name(rng)}{sep(rng)}来源｜{site(rng)}",
        f"出品：{site(rng)}{sep(rng)}作者：{name(rng)}",
        f"{site(rng)}记者 {name(rng)}",
        f"编译：{name(rng)}",
    ])


def h_breadcrumb(rng):
    a, b = rng.sample(SECTIONS, 2)
    return rng.choice([f"当前位置：首页 > {a} > 正文", f"您的位置：首页 » {a} » {b}", f"首页 > {a} > {b}", f"您现在的位置：首页 > {a}"])


def h_date(rng):
    wd = rng.choice("一二三四五六日")
    return rng.choice([date(rng, True), f"{date(rng)} {site(rng)}", f"{rng.randint(2015, 2025)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日 星期{wd}"])


def h_follow(rng):
    return rng.choice([f"点击上方蓝字关注{site(rng)}", f"点击上方“{site(rng)}”，关注并设为星标", "点击蓝字，关注我们", f"点击上方蓝字“{site(rng)}”关注我们，获取每日资讯"])


def h_account(rng):
    acct = site(rng)
    return f"{rng.choice(['原创', '原创', '转载'])} {acct} {acct} {date(rng, False)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"


def h_stats(rng):
    n = rng.randint(800, 9000)
    return rng.choice([f"全文约{n}字，阅读大约需要{n // 500 + 1}分钟", f"阅读 {rng.randint(10, 99999)}", f"{rng.randint(1, 99)}.{rng.randint(1, 9)}万次阅读", f"本文共{n}字，预计阅读时间{n // 400}分钟"])


def h_repost(rng):
    return rng.choice([f"原文链接：{url(rng)}", f"转载自{site(rng)}", f"本文转载自：{site(rng)}", f"原文地址：{url(rng)}"])


def h_nav(rng):
    items = ["首页"] + rng.sample(SECTIONS, 3) + rng.sample(["关于我们", "联系我们", "网站地图", "我要投稿"], 2)
    return rng.choice([" | ", "  ", " · "]).join(items)


HEADER = [h_meta, h_source, h_byline, h_breadcrumb, h_date, h_follow, h_account, h_stats, h_repost, h_nav]


def lead_excerpt(rng, first_para, byline=None):
    n = rng.randint(min(24, len(first_para)), min(110, len(first_para)))
    label = rng.choice(["导读：", "摘要：", "【摘要】", "导语：", "【导读】"])
    tail = rng.choice(["…", "...", "……", ""])
    text = first_para[:n] + tail
    if byline:
        text = byline + " " + text
    return label + text


# --- inline -----------------------------------------------------------

def i_line(rng):
    return rng.choice([
        "展开全文", f"展开剩余{rng.randint(10, 95)}%", f"图片来源：{site(rng)}", f"图源：{site(rng)}",
        f"{site(rng)}制图，转载请注明出处", f"题图来自：{site(rng)}", "图片来源于网络，侵删", "在这里插入图片描述",
        "[图片]", "分享到：微信 微博 QQ空间", "分享 收藏 举报", "打开APP阅读更多精彩内容", f"打开{site(rng)}APP，阅读全文",
        f"*视频时长约{rng.randint(2, 30)}分钟，建议在WiFi环境下观看*", "点击查看全文", "复制代码",
    ])


def i_caption(rng, title):
    credit = rng.choice([f" 图源：{site(rng)}", f"（图/{name(rng)}）", f" 图片来源：{site(rng)}", f"（{name(rng)} 摄）", f" 图/{site(rng)}"])
    return title + credit, title


# --- footer -----------------------------------------------------------

def f_source_block(rng, title):
    out = [f"来源：{url(rng)}"]
    if rng.random() < 0.7:
        out.append(f"标题：{title}")
    if rng.random() < 0.7:
        out.append(f"地址：{url(rng)}")
    rng.shuffle(out)
    return out


def f_single(rng, title):
    acct = site(rng)
    return rng.choice([
        f"原标题：{title}", f"（原标题：{title}）", f"责任编辑：{name(rng)}", f"【编辑：{name(rng)}】", "（完）", "—END—",
        f"本文链接：{url(rng)}", f"原文链接：{url(rng)}", f"上一篇：{title}", f"下一篇：{title}",
        "长按识别二维码关注我们", "点个“在看”，分享给更多朋友", "点赞、在看、转发，三连支持一下吧",
        f"Copyright © {rng.randint(2005, 2015)}-{rng.randint(2016, 2025)} {acct} 版权所有",
        f"{acct}版权所有 京ICP备{rng.randint(10000000, 99999999)}号-1", f"责任编辑：{name(rng)} 校对：{name(rng)}",
    ])


def f_disclaimer(rng):
    acct, who = site(rng), name(rng)
    ident = "".join(rng.choice(LETTERS) for _ in range(rng.randint(5, 10)))
    return rng.choice([
        "声明：本文内容来源于网络，版权归原作者所有，如有侵权请联系我们删除。",
        "免责声明：本文仅代表作者个人观点，与本站无关，其原创性以及文中陈述文字和内容未经本站证实。",
        "郑重声明：本文版权归原作者所有，转载文章仅为传播更多信息之目的，如作者信息标记有误，请第一时间联系我们修改或删除，多谢。",
        "风险提示：市场有风险，投资需谨慎。本文不构成任何投资建议。",
        "以上内容仅供参考，不构成投资建议，据此操作风险自担。",
        f"本文来自微信公众号“{acct}”（ID：{ident}），作者：{who}，经授权发布。",
        "原创不易，转载请注明出处。",
        f"本文为{acct}原创，未经授权不得转载。",
        f"本文为{acct}号作者上传，仅代表作者观点，不代表{site(rng)}立场。",
        f"特别声明：以上内容（如有图片或视频亦包括在内）为自媒体平台“{acct}号”用户上传并发布，本平台仅提供信息存储服务。",
        "版权归原作者所有，如有侵权请联系删除。",
        "温馨提示：本文仅供健康科普参考，不能代替医生诊疗，如有不适请及时就医。",
        "图文来源于网络，如有侵权请联系删除",
        "未经授权，禁止转载。",
        f"本文经授权转载自{acct}，如需转载请联系原作者。",
    ])


RELATED_HEADS = ["相关阅读：", "推荐阅读", "猜你喜欢", "延伸阅读：", "相关文章", "往期推荐"]


# --- hard negatives ---------------------------------------------------

def quoted_disclaimer(rng):
    acct, who = site(rng), name(rng)
    clause = rng.choice(["本文版权归原作者所有，如有侵权请联系删除", "转载文章仅为传播信息之目的", "以上内容不构成投资建议", "平台仅提供信息存储空间服务"])
    return rng.choice([
        f"{acct}随后发表声明称，“{clause}”，但{who}认为，这样一句话并不能免除平台应尽的审核责任。",
        f"记者注意到，该网站每篇文章末尾都印着“{clause}”的字样，{who}说这早已成了一种免责的套话。",
        f"对此，{who}在接受采访时表示，所谓“{clause}”的声明，在法律上并没有想象中那么管用。",
    ])


def trigger_sentence(rng):
    who = name(rng)
    return rng.choice([
        f"编辑部认为，{who}提出的问题值得每一位读者认真思考。",
        f"记者了解到，{who}所在的工厂今年的主要收入来源是出口订单。",
        f"作者在书中写道，{who}的童年是在一个偏远的山村度过的。",
        f"{who}说，他每次转载别人的文章都会注明来源，这是对作者最基本的尊重。",
        f"这篇报道的标题很长，但{who}说读者往往只看第一句话。",
        f"{who}的家庭地址和联系方式已经登记在册，工作人员会尽快上门回访。",
    ])


def genuine_abstract(rng, later_paras):
    p = rng.choice(later_paras)
    first = p.split("。")[0] + "。"
    return rng.choice(["摘要：", "内容摘要：", "【摘要】"]) + first


# --- assembly ---------------------------------------------------------

def bp(text, family, rng, other_p=0.2):
    return {"text": text, "label": "boilerplate", "family": family, "other_script": rng.random() < other_p}


def widen(rng, line, halfwidth):
    """Random punctuation width: the templates are fullwidth."""
    if halfwidth and line["label"] in ("boilerplate", "caption"):
        for a, b in (("：", ":"), ("，", ","), ("（", "("), ("）", ")")):
            line["text"] = line["text"].replace(a, b)
            if line.get("keep"):
                line["keep"] = line["keep"].replace(a, b)
    return line


def make_document(rng, index, script, pools, heldout=None):
    """One document; `heldout` (a module) swaps in other boilerplate wording."""
    T = heldout or sys.modules[__name__]
    title = next(pools["titles"])
    n_body = rng.randint(6, 12)
    paras = []
    for _ in range(n_body):
        if rng.random() < 0.35:
            paras.append({"text": next(pools["hard"]), "label": "hard-negative", "family": "trigger_word_prose"})
        else:
            paras.append({"text": next(pools["plain"]), "label": "body"})
    if rng.random() < 0.2:
        paras.append({"text": quoted_disclaimer(rng), "label": "hard-negative", "family": "quoted_disclaimer"})
    if rng.random() < 0.2:
        paras.insert(rng.randint(0, len(paras)), {"text": trigger_sentence(rng), "label": "hard-negative", "family": "trigger_word_prose"})

    body = []
    for k, p in enumerate(paras):
        if k > 0 and rng.random() < 0.15:
            body.append({"text": next(pools["titles"]), "label": "heading", "family": "subheading"})
        if k > 0 and rng.random() < 0.18:
            if rng.random() < 0.3:
                text, keep = T.i_caption(rng, next(pools["titles"]))
                body.append({"text": text, "label": "caption", "keep": keep, "family": "caption_photo_credit", "other_script": rng.random() < 0.2})
            else:
                body.append(bp(T.i_line(rng), "inline", rng))
        body.append(p)

    header = []
    for f in rng.sample(T.HEADER, rng.choice([0, 1, 1, 2, 2, 3])):
        header.append(bp(f(rng), f.__name__, rng))
    first_text = paras[0]["text"]
    r = rng.random()
    if r < 0.3:
        byline = T.h_byline(rng) if rng.random() < 0.3 else None
        header.append(bp(lead_excerpt(rng, first_text, byline), "lead_excerpt", rng, 0.0))
        if byline:
            header.append(bp(byline, "h_byline", rng, 0.0))
    elif r < 0.42 and len(paras) > 3:
        header.append({"text": genuine_abstract(rng, [p["text"] for p in paras[3:]]), "label": "hard-negative", "family": "genuine_abstract"})

    footer = []
    for _ in range(rng.choice([0, 1, 1, 2, 2])):
        kind = rng.random()
        if kind < 0.25:
            footer += [bp(t, "source_block", rng) for t in f_source_block(rng, title)]
        elif kind < 0.6:
            footer.append(bp(T.f_disclaimer(rng), "disclaimer", rng))
        else:
            footer.append(bp(T.f_single(rng, title), "footer_line", rng))
    if rng.random() < 0.15:
        footer.append(bp(rng.choice(T.RELATED_HEADS), "related", rng, 0.0))
        for _ in range(rng.randint(2, 3)):
            footer.append(bp(rng.choice(["· ", "", "- "]) + next(pools["titles"]), "related", rng, 0.0))

    lines = [{"text": title, "label": "heading", "family": "headline"}] + header + body + footer
    halfwidth = rng.random() < 0.5
    lines = [widen(rng, l, halfwidth and rng.random() < 0.8) for l in lines]
    blanks = rng.random() < 0.75
    out = []
    for l in lines:
        if out and blanks:
            out.append({"text": "", "label": "blank"})
        out.append(l)
    return {"id": f"{script}{index:03d}", "script": script, "lines": out}
