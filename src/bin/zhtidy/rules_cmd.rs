/*!
Rule ids for people: `zhtidy rules` lists every strip rule and family and
every fix rule (id, family, zones, on or off by default, one example), and
`--disable`/`--enable` names are checked and normalized here.

The list is read from the rule set zhtidy loads (the shipped boilerplate
rule files, plus the `--strip-rules` files given), so it cannot drift from
what runs. Ids are shown in one style, kebab-case: a family spelled with
underscores in a rule file (`footer_repost_notice`) is shown and accepted
as `footer-repost-notice`; the underscore spelling still works, with a
deprecation note. A name that is no rule or family is an error that
suggests the nearest ids.
*/

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use serde::Serialize;
use zhtidy::fix::Rule as FixRule;
use zhtidy::strip::Rule as StripRule;

use crate::args::{OutputFormat, RulesArgs};
use crate::corpus::EDGE_RULE;

/// One rule as `zhtidy rules` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub family: String,
    /// `strip` or `fix`.
    pub stage: &'static str,
    /// Where a strip rule acts (header, footer, inline, caption-suffix,
    /// anywhere); `anywhere` for fix rules.
    pub zones: Vec<String>,
    /// On unless `--disable`d (off ones need `--enable`).
    pub default_on: bool,
    /// A line it removes (strip) or a text it repairs (fix: `before → after`).
    pub example: Option<String>,
    pub description: Option<String>,
}

/// One family: the rules that share it.
#[derive(Debug, Clone, Serialize)]
pub struct FamilyInfo {
    pub id: String,
    pub stage: &'static str,
    /// On by default: every rule in it is.
    pub default_on: bool,
    pub rules: Vec<String>,
}

/// The kebab-case spelling of an id.
pub fn kebab(id: &str) -> String {
    id.replace('_', "-")
}

/// `CaptionSuffix` → `caption-suffix`.
fn kebab_from_camel(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The strip rules zhtidy loads: the shipped files, then `extra` files.
fn strip_rules(extra: &[PathBuf]) -> Result<Vec<StripRule>> {
    let mut all = zhtidy::strip::rules::builtin_rules()?;
    for path in extra {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        all.extend(zhtidy::strip::rules::parse_rules(
            &path.display().to_string(),
            &text,
        )?);
    }
    Ok(all)
}

/// A text each fix rule repairs, checked by a test that runs the fixer
/// on it (so an example cannot claim what the rule does not do).
fn fix_example(rule: FixRule) -> Option<&'static str> {
    Some(match rule {
        FixRule::HtmlEntity => "中文&amp;英文",
        FixRule::ZeroWidth => "中\u{200b}文",
        FixRule::CompatIdeograph => "\u{f900}",
        FixRule::KangxiRadical => "\u{2f00}个人",
        FixRule::PinyinAnnotation => "这个字(zì)很难",
        FixRule::StrayGlyph => "他們離开了會場，這是很長的正文。",
        FixRule::FullwidthPunct => "这是第一句,这是第二句。",
        _ => return None,
    })
}

/// `before → after` for a fix rule's example, as the fixer gives it.
fn fix_example_shown(rule: FixRule) -> Option<String> {
    let input = fix_example(rule)?;
    let fixer = zhtidy::fix::Fixer::new(zhtidy::fix::FixOptions::default());
    let out = fixer.fix(input);
    let fired = out.changes.iter().any(|c| c.rule == rule);
    fired.then(|| format!("{input} → {}", out.text))
}

/// Every rule, strip first (in file order), then fix.
pub fn all_rules(extra: &[PathBuf]) -> Result<Vec<RuleInfo>> {
    let mut out: Vec<RuleInfo> = strip_rules(extra)?
        .into_iter()
        .map(|r| RuleInfo {
            id: r.id.clone(),
            family: kebab(&r.family),
            stage: "strip",
            zones: r
                .zones
                .iter()
                .map(|z| kebab_from_camel(&format!("{z:?}")))
                .collect(),
            default_on: r.enabled,
            example: r.must_match.first().cloned(),
            description: r.description.clone(),
        })
        .collect();
    out.push(RuleInfo {
        id: EDGE_RULE.to_string(),
        family: EDGE_RULE.to_string(),
        stage: "strip",
        zones: vec!["header".to_string(), "footer".to_string()],
        default_on: false,
        example: None,
        description: Some(
            "a line at the edge of many documents of one run, learnt by a first pass \
             (--learn-boilerplate, or --enable corpus-repeated-line)"
                .to_string(),
        ),
    });
    out.extend(FixRule::ALL.iter().map(|&r| RuleInfo {
        id: r.id().to_string(),
        family: "fix".to_string(),
        stage: "fix",
        zones: vec!["anywhere".to_string()],
        default_on: true,
        example: fix_example_shown(r),
        description: None,
    }));
    Ok(out)
}

/// The families of `rules`, in first-seen order.
pub fn families(rules: &[RuleInfo]) -> Vec<FamilyInfo> {
    let mut order: Vec<String> = Vec::new();
    let mut by: BTreeMap<String, FamilyInfo> = BTreeMap::new();
    for r in rules {
        let f = by.entry(r.family.clone()).or_insert_with(|| {
            order.push(r.family.clone());
            FamilyInfo {
                id: r.family.clone(),
                stage: r.stage,
                default_on: true,
                rules: Vec::new(),
            }
        });
        f.default_on &= r.default_on;
        f.rules.push(r.id.clone());
    }
    order.into_iter().filter_map(|id| by.remove(&id)).collect()
}

/// `zhtidy rules`.
pub fn run(args: &RulesArgs) -> Result<()> {
    let rules = all_rules(&args.strip_rules)?;
    let fams = families(&rules);
    let mut out = io::stdout().lock();
    match args.output_format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({ "families": fams, "rules": rules }),
            )?;
            out.write_all(b"\n")?;
        }
        OutputFormat::Text => {
            for f in &fams {
                let state = if f.default_on { "on" } else { "off" };
                writeln!(out, "{} ({}, {state})", f.id, f.stage)?;
                for r in rules.iter().filter(|r| r.family == f.id) {
                    let state = if r.default_on { "on" } else { "off" };
                    write!(out, "  {}  [{}] {state}", r.id, r.zones.join(","))?;
                    if let Some(e) = &r.example {
                        write!(out, "  e.g. {e}")?;
                    }
                    writeln!(out)?;
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Names warned about already (settings are built once per configuration
/// file, so the same name could be warned about many times).
static WARNED: Mutex<Option<HashSet<String>>> = Mutex::new(None);

fn deprecation_note(old: &str, new: &str) {
    let mut warned = WARNED.lock().unwrap_or_else(|e| e.into_inner());
    if warned
        .get_or_insert_with(HashSet::new)
        .insert(old.to_string())
    {
        eprintln!("zhtidy: warning: the id {old:?} is deprecated; use {new:?}");
    }
}

/// `--disable`/`--enable` names as the strip and fix stages know them:
/// a kebab-case family is mapped to its spelling in the rule files, an
/// underscore spelling is accepted with a deprecation note, and a name
/// that is nothing is an error naming the nearest ids.
pub fn resolve_names(names: &[String], extra: &[PathBuf]) -> Result<Vec<String>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let strip = strip_rules(extra)?;
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        if name == EDGE_RULE
            || name.parse::<FixRule>().is_ok()
            || strip.iter().any(|r| r.id == *name)
        {
            out.push(name.clone());
            continue;
        }
        let wanted = kebab(name);
        let family = strip.iter().map(|r| &r.family).find(|f| kebab(f) == wanted);
        let rule = strip.iter().map(|r| &r.id).find(|id| kebab(id) == wanted);
        match family.or(rule) {
            Some(real) => {
                if name.contains('_') {
                    deprecation_note(name, &wanted);
                }
                out.push(real.clone());
            }
            None => {
                let known = all_rules(extra)?;
                let mut ids: Vec<String> = known.iter().map(|r| r.id.clone()).collect();
                ids.extend(families(&known).into_iter().map(|f| f.id));
                ids.sort();
                ids.dedup();
                let near = nearest(name, &ids);
                if near.is_empty() {
                    bail!("no rule or family is called {name:?} (`zhtidy rules` lists them)");
                }
                bail!(
                    "no rule or family is called {name:?}; did you mean {}? (`zhtidy rules` lists them all)",
                    near.join(", ")
                );
            }
        }
    }
    Ok(out)
}

/// Up to five ids close to `name`: those containing it (`footer` →
/// `footer-…`), then those within a small edit distance.
pub fn nearest(name: &str, ids: &[String]) -> Vec<String> {
    let wanted = kebab(name);
    let mut scored: Vec<(usize, &String)> = ids
        .iter()
        .filter_map(|id| {
            if id.contains(&wanted) {
                Some((0, id))
            } else {
                let d = crate::suggest::levenshtein(&wanted, id);
                (d <= 2 + wanted.chars().count() / 4).then_some((d, id))
            }
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(5)
        .map(|(_, id)| id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fix_example_fires_its_rule() {
        for rule in FixRule::ALL {
            if fix_example(rule).is_some() {
                assert!(
                    fix_example_shown(rule).is_some(),
                    "the example for {rule} does not fire it"
                );
            }
        }
    }

    #[test]
    fn every_rule_has_an_id_family_and_zone_in_kebab_case() {
        let rules = all_rules(&[]).unwrap();
        assert!(rules.iter().any(|r| r.stage == "strip"));
        for r in &rules {
            assert!(!r.id.contains('_') && !r.family.contains('_'), "{r:?}");
            assert!(!r.zones.is_empty(), "{r:?}");
        }
    }

    #[test]
    fn family_names_resolve_in_either_spelling() {
        let strip = strip_rules(&[]).unwrap();
        let family = strip[0].family.clone();
        let resolved = resolve_names(&[kebab(&family)], &[]).unwrap();
        assert_eq!(resolved, std::slice::from_ref(&family));
        let resolved = resolve_names(&[family.replace('-', "_")], &[]).unwrap();
        assert_eq!(resolved, [family]);
        assert_eq!(
            resolve_names(&["zero-width".into()], &[]).unwrap(),
            ["zero-width"]
        );
    }

    #[test]
    fn unknown_names_suggest_the_nearest() {
        let ids: Vec<String> = ["footer-repost-notice", "zero-width", "footer-source-block"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            nearest("footer", &ids),
            ["footer-repost-notice", "footer-source-block"]
        );
        assert_eq!(nearest("zero-widht", &ids), ["zero-width"]);
        assert!(nearest("qqqq", &ids).is_empty());
        let err = resolve_names(&["zero-widht".into()], &[]).unwrap_err();
        assert!(err.to_string().contains("did you mean zero-width"), "{err}");
    }
}
