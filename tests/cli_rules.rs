/*!
`zhtidy rules` and rule ids on the command line: the list (text and JSON)
holds every strip rule and family and every fix rule, in kebab-case, each
with its zones, default and an example that the rule really acts on; a
family is accepted in kebab-case and, with a deprecation note, in the
old underscore spelling; an unknown id is an error naming the nearest.
*/

mod support;

use std::process::{Command, Output};

fn zhtidy(args: &[&str], stdin: Option<&[u8]>) -> Output {
    support::run_with_input(Command::new(support::bin()).args(args), stdin)
}

fn rules_json() -> serde_json::Value {
    let o = zhtidy(&["rules", "--output-format", "json"], None);
    assert!(o.status.success(), "{}", support::utf8(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn rules_lists_every_rule_and_family() {
    let v = rules_json();
    let rules = v["rules"].as_array().unwrap();
    let families = v["families"].as_array().unwrap();
    assert!(rules.len() > 20, "{}", rules.len());
    for r in rules {
        let id = r["id"].as_str().unwrap();
        assert!(!id.contains('_'), "{id}");
        assert!(!r["family"].as_str().unwrap().contains('_'), "{r}");
        assert!(!r["zones"].as_array().unwrap().is_empty(), "{r}");
        assert!(r["default_on"].is_boolean(), "{r}");
        assert!(
            families
                .iter()
                .any(|f| f["rules"].as_array().unwrap().contains(&r["id"])),
            "{id} has no family"
        );
    }
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"zero-width") && ids.contains(&"header-byline"));
    // Some rules are off by default (--enable turns them on).
    assert!(rules.iter().any(|r| r["default_on"] == false));
    // The text form names the same rules.
    let text = support::utf8(&zhtidy(&["rules"], None).stdout);
    for id in ids {
        assert!(text.contains(&format!("  {id}  [")), "{id} missing");
    }
}

#[test]
fn families_in_either_spelling_and_unknown_ids() {
    // The reading-time line is removed by family header-reading-stats.
    let doc = "全文约3200字，阅读约需6分钟\n\n正文第一段，这里是很长的一段话，讲了很多事情。\n";
    let on = zhtidy(&["--explain", "-"], Some(doc.as_bytes()));
    assert!(
        support::utf8(&on.stderr).contains("<stdin>:1: header-reading-stats: 全文约"),
        "{}",
        support::utf8(&on.stderr)
    );
    let kebab = zhtidy(
        &["--disable", "header-reading-stats", "-"],
        Some(doc.as_bytes()),
    );
    assert!(kebab.status.success(), "{}", support::utf8(&kebab.stderr));
    assert_eq!(support::utf8(&kebab.stdout), doc);
    assert!(!support::utf8(&kebab.stderr).contains("deprecated"));
    let old = zhtidy(
        &["--disable", "header_reading_stats", "-"],
        Some(doc.as_bytes()),
    );
    assert_eq!(support::utf8(&old.stdout), doc);
    assert!(
        support::utf8(&old.stderr)
            .contains("\"header_reading_stats\" is deprecated; use \"header-reading-stats\""),
        "{}",
        support::utf8(&old.stderr)
    );
    let bad = zhtidy(&["--disable", "zero-widht", "-"], Some(b"x\n"));
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        support::utf8(&bad.stderr).contains("did you mean zero-width"),
        "{}",
        support::utf8(&bad.stderr)
    );
}

/// Where the generated part of docs/rules.md begins.
const GENERATED: &str = "<!-- generated: everything below comes from `zhtidy rules` -->";

/// The list of rules and families, as docs/rules.md shows it.
fn rules_markdown(v: &serde_json::Value) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut md = format!("{GENERATED}\n");
    for stage in ["strip", "fix"] {
        md.push_str(&format!("\n### {stage}\n"));
        for f in v["families"].as_array().unwrap() {
            if f["stage"] != stage {
                continue;
            }
            md.push_str(&format!("\n#### `{}`\n\n", f["id"].as_str().unwrap()));
            md.push_str("| id | zones | default on | example |\n|---|---|---|---|\n");
            for id in f["rules"].as_array().unwrap() {
                let r = v["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["id"] == *id)
                    .unwrap();
                let zones: Vec<&str> = r["zones"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|z| z.as_str().unwrap())
                    .collect();
                let example = r["example"]
                    .as_str()
                    .map_or(String::new(), |e| format!("`{}`", cell(e)));
                md.push_str(&format!(
                    "| `{}` | {} | {} | {example} |\n",
                    id.as_str().unwrap(),
                    zones.join(", "),
                    if r["default_on"] == true { "yes" } else { "no" },
                ));
            }
        }
    }
    md
}

/// docs/rules.md lists exactly the rules `zhtidy rules` does; with
/// `ZHTIDY_BLESS=1` the list is rewritten instead.
#[test]
fn docs_rules_md_lists_every_rule() {
    let path = support::repo_root().join("docs/rules.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let head = doc.split(GENERATED).next().unwrap();
    let want = format!("{head}{}", rules_markdown(&rules_json()));
    if std::env::var_os("ZHTIDY_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    assert!(
        doc == want,
        "docs/rules.md is out of date with `zhtidy rules`; regenerate it with \
         `ZHTIDY_BLESS=1 cargo test --test cli_rules`"
    );
}
