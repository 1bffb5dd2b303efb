use super::*;
use crate::convert::Converter;

/// An article of six paragraphs (written for these tests).
const ARTICLE: &str = "\
今年春天，江南多地的茶农比往年更早开始采摘。由于二月气温偏高，茶树发芽提前了将近十天，第一批明前茶的产量也随之增加。
在杭州西湖附近的一个村子里，老茶农王师傅告诉记者，他家的茶园今年比去年多收了两成鲜叶，但价格并没有因此下降，反而略有上涨。
王师傅说，这几年来买茶的客人越来越多是年轻人，他们更愿意通过网络直播下单，也更在意茶叶是不是当天炒制、有没有使用农药。
为了满足这些要求，村里成立了合作社，统一收购鲜叶，统一请检测机构抽检，并在包装上印上二维码，方便消费者查询产地和炒制日期。
合作社的负责人表示，统一管理以后，茶叶的品质更加稳定，收购价格也更透明，茶农不用再担心被中间商压价，收入比过去明显提高。
不过也有专家提醒，气候变化让发芽时间越来越难以预测，一旦遇到倒春寒，提前发芽的嫩芽很容易冻伤，茶农仍需做好防寒准备。
";

/// Another article on a different subject (written for these tests).
const OTHER: &str = "\
城市地铁的新线路将在下个月开通试运营，全长约二十三公里，共设十六座车站，连接老城区和北部的高新技术开发区。
据介绍，新线路采用全自动驾驶系统，列车最高时速可达一百公里，高峰时段的发车间隔将缩短到两分半钟左右。
沿线居民普遍对开通表示期待，有人说以前上班要换乘两次公交车，路上花一个多小时，以后坐地铁半小时就能到公司。
交通部门提醒市民，试运营期间部分车站的出入口尚未全部开放，出行前请留意官方发布的公告，合理安排出行时间。
";

/// The same subject as [`ARTICLE`] but another article: a hard negative.
const SAME_TOPIC: &str = "\
福建安溪的铁观音今年迎来了好收成，当地茶企纷纷扩大生产线，准备在秋季茶叶博览会上推出新的拼配产品。
一位在茶山工作了三十年的制茶师傅说，铁观音讲究摇青和发酵，天气晴朗的日子做出来的茶香气更足，今年这样的好天气并不多见。
当地政府也在推动茶旅融合，把茶园、制茶作坊和民宿串成一条旅游线路，吸引城里的游客周末来采茶、学做茶。
";

fn params() -> Params {
    Params::default()
}

fn run(texts: &[&str]) -> Vec<Cluster> {
    clusters(texts.iter().copied(), params()).unwrap()
}

/// `text` reposted by another site: its own header and footer, the last
/// sentence cut.
fn repost(text: &str) -> String {
    let body = text.trim_end().trim_end_matches("茶农仍需做好防寒准备。");
    format!("来源：晨光日报\n{body}\n责任编辑：张三\n")
}

#[test]
fn a_converted_copy_is_a_cross_script_duplicate() {
    let traditional = Converter::new("s2t").unwrap().convert(ARTICLE);
    assert_ne!(traditional, ARTICLE);
    let found = run(&[ARTICLE, &traditional]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].representative, 0);
    assert_eq!(found[0].members.len(), 1);
    let m = &found[0].members[0];
    assert_eq!((m.doc, m.why), (1, Why::CrossScript));
    assert!(m.similarity >= 0.95, "{}", m.similarity);
}

#[test]
fn a_trimmed_repost_with_other_boilerplate_is_near() {
    let reposted = repost(ARTICLE);
    let found = run(&[ARTICLE, OTHER, &reposted]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].representative, 0);
    let m = &found[0].members[0];
    assert_eq!((m.doc, m.why), (2, Why::Near));
    assert!((0.8..1.0).contains(&m.similarity), "{}", m.similarity);
}

#[test]
fn a_converted_repost_is_found_too() {
    let reposted = Converter::new("s2twp")
        .unwrap()
        .convert(&repost(ARTICLE))
        .into_owned();
    let found = run(&[&reposted, ARTICLE]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].members[0].why, Why::CrossScript);
}

#[test]
fn width_and_layout_differences_are_exact() {
    let fullwidth: String = ARTICLE
        .replace('，', "，\u{3000}")
        .replace('\n', "\n\n  ")
        .chars()
        .map(|c| if c == '2' { '２' } else { c })
        .collect();
    let found = run(&[ARTICLE, &fullwidth]);
    assert_eq!(found.len(), 1);
    let m = &found[0].members[0];
    assert_eq!(m.why, Why::Exact);
    assert_eq!(m.similarity, 1.0);
}

#[test]
fn unrelated_articles_are_not_clustered() {
    assert!(run(&[ARTICLE, OTHER, SAME_TOPIC]).is_empty());
    let hasher = MinHasher::new(params()).unwrap();
    let (a, b) = (hasher.sign(ARTICLE), hasher.sign(SAME_TOPIC));
    assert!(a.similarity(&b) < 0.2, "{}", a.similarity(&b));
}

#[test]
fn the_representative_is_the_first_in_input_order() {
    let reposted = repost(ARTICLE);
    let forward = run(&[OTHER, ARTICLE, &reposted]);
    assert_eq!(forward[0].representative, 1);
    assert_eq!(forward[0].members[0].doc, 2);
    let backward = run(&[&reposted, OTHER, ARTICLE]);
    assert_eq!(backward[0].representative, 0);
    assert_eq!(backward[0].members[0].doc, 2);
}

#[test]
fn clusters_are_the_same_on_every_run() {
    let traditional = Converter::new("s2t").unwrap().convert(ARTICLE);
    let reposted = repost(ARTICLE);
    let texts = [ARTICLE, OTHER, &reposted, SAME_TOPIC, &traditional, OTHER];
    let first = run(&texts);
    assert_eq!(first, run(&texts));
    assert_eq!(first.len(), 2);
    assert_eq!(first[0].representative, 0);
    let docs: Vec<usize> = first[0].members.iter().map(|m| m.doc).collect();
    assert_eq!(docs, [2, 4]);
    assert_eq!(first[1].representative, 1);
    assert_eq!(first[1].members[0].why, Why::Exact);
    // Two hashers made apart give the same signature.
    let a = MinHasher::new(params()).unwrap().sign(ARTICLE);
    assert_eq!(a, MinHasher::new(params()).unwrap().sign(ARTICLE));
}

#[test]
fn representative_is_known_while_adding() {
    let hasher = MinHasher::new(params()).unwrap();
    let mut index = Index::new(params()).unwrap();
    let reposted = repost(ARTICLE);
    for (i, text) in [ARTICLE, OTHER, reposted.as_str()].iter().enumerate() {
        assert_eq!(index.add(hasher.sign(text)), i);
    }
    assert_eq!(index.representative(2), 0);
    assert_eq!(index.representative(1), 1);
    assert!(index.heap_bytes() >= 3 * 128 * 4);
}

/// Keeping, while adding, only the documents that copy nothing earlier
/// keeps the representatives of the final clusters and nothing else.
#[test]
fn copies_are_known_while_adding_and_point_at_kept_documents() {
    let hasher = MinHasher::new(params()).unwrap();
    let mut index = Index::new(params()).unwrap();
    let traditional = Converter::new("s2t").unwrap().convert(ARTICLE);
    let reposted = repost(ARTICLE);
    let texts = [OTHER, ARTICLE, SAME_TOPIC, &reposted, &traditional, OTHER];
    let mut kept = Vec::new();
    let mut copies = Vec::new();
    for text in texts {
        let doc = index.add(hasher.sign(text));
        match index.copy_of(doc) {
            None => kept.push(doc),
            Some((of, m)) => {
                assert!(kept.contains(&of), "{of} was dropped");
                assert_eq!(m.doc, doc);
                copies.push((doc, of, m.why));
            }
        }
    }
    assert_eq!(kept, [0, 1, 2]);
    assert_eq!(
        copies,
        [
            (3, 1, Why::Near),
            (4, 1, Why::CrossScript),
            (5, 0, Why::Exact)
        ]
    );
    let reps: Vec<usize> = index.clusters().iter().map(|c| c.representative).collect();
    assert_eq!(reps, [0, 1]);
}

#[test]
fn empty_and_short_texts_are_never_clustered_by_accident() {
    let found = run(&["", " \n", "短", "短", "长"]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].representative, 2);
    assert_eq!(found[0].members[0].doc, 3);
}

#[test]
fn banding_favours_recall_at_the_threshold() {
    assert_eq!(index::bands_for(0.8, 128), (16, 8));
    let (b, r) = index::bands_for(0.5, 64);
    assert!(b * r <= 64);
}

#[test]
fn bad_parameters_are_refused() {
    let p = |threshold, shingle, permutations| Params {
        threshold,
        shingle,
        permutations,
    };
    assert_eq!(p(0.0, 5, 128).validate(), Err(ParamError::Threshold(0.0)));
    assert_eq!(p(1.5, 5, 128).validate(), Err(ParamError::Threshold(1.5)));
    assert!(p(f64::NAN, 5, 128).validate().is_err());
    assert_eq!(p(0.8, 0, 128).validate(), Err(ParamError::Shingle));
    assert_eq!(p(0.8, 5, 1).validate(), Err(ParamError::Permutations(1)));
    assert!(MinHasher::new(p(0.8, 5, 1)).is_err());
}
