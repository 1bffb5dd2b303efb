/*!
Which dictionaries of a config can share one trie without changing a result.

Shared, through `#[path]`, by `build.rs` (which compiles the merged tries of
the bundled configs ahead of time) and the library (which builds any other
merge at run time). It depends on nothing but `std` and `serde_json`.

A merged trie holds the keys of several dictionaries; on a key present in
more than one, the earliest dictionary's value is kept. Its longest-prefix
answer equals a group's answer in two cases, and only those are merged:

* **`union` groups whose children are all mergeable.** Upstream's union
  takes the longest match of any child, the earlier child winning ties; in
  a merged trie keys are unique, the longest key is the longest match, and
  a tied key keeps the earlier child's value. (Upstream's own `PrefixMatch`
  flattens pure unions the same way.)
* **Adjacent children of a `short_circuit` group in which no key of a
  later child properly extends a key of an earlier one** (has it as a
  proper prefix). Upstream takes the first child with any match, and that
  child's longest match `m`. Every other key matching at the same position
  is a prefix of the text there, as `m` is: a longer one would extend `m`,
  which is excluded for later children, and earlier children have no
  match at all. So `m` is also the longest match of the merged trie, and
  an equal key of a later child loses to it. One-character dictionaries
  extend nothing, so a tail of them always merges (STPhrases +
  STCharacters); multi-character ones merge when the data allows it
  (TWPhrases + TWVariantsPhrases: none of the latter's keys starts with a
  key of the former), and stay apart when it does not (TWPhrasesRev and
  TWVariantsRevPhrases: two keys do). The test is on the data, by
  [`Facts::extends`].

The chain's steps and the segmentation stay separate: merging across them
changes results.
*/

/// A dictionary tree as a config describes it, by dictionary name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// One dictionary.
    File(String),
    /// A group: `union` or (if false) `short_circuit`.
    Group {
        /// `true` for `match_policy: union`.
        union: bool,
        /// Children in config order.
        children: Vec<Spec>,
    },
}

/// Reads a config's `dict` object into a [`Spec`], as upstream's
/// `ParseDict`: a dictionary marked `may_output_tofu` is dropped unless
/// `include_tofu` is set, and a group left empty is dropped too (`None`).
/// `leaf` turns a non-group dictionary object into its name (loading it, at
/// run time); it is also given `inline` dictionaries.
pub fn spec_of(
    doc: &serde_json::Value,
    include_tofu: bool,
    leaf: &mut dyn FnMut(&serde_json::Value) -> Result<String, String>,
) -> Result<Option<Spec>, String> {
    let kind = doc
        .get("type")
        .and_then(|t| t.as_str())
        .ok_or("a dictionary has no string \"type\"")?;
    if kind == "inline" {
        return leaf(doc).map(|name| Some(Spec::File(name)));
    }
    let tofu = doc
        .get("may_output_tofu")
        .and_then(|t| t.as_bool())
        .unwrap_or(false);
    if tofu && !include_tofu {
        return Ok(None);
    }
    if kind != "group" {
        return leaf(doc).map(|name| Some(Spec::File(name)));
    }
    let union = match doc.get("match_policy").map(|p| p.as_str()) {
        None | Some(Some("short_circuit")) => false,
        Some(Some("union")) => true,
        Some(other) => return Err(format!("unknown match_policy {other:?}")),
    };
    let dicts = doc
        .get("dicts")
        .and_then(|d| d.as_array())
        .ok_or("a group has no \"dicts\" array")?;
    let mut children = Vec::new();
    for child in dicts {
        if !child.is_object() {
            return Err("an element of \"dicts\" is not an object".into());
        }
        if let Some(spec) = spec_of(child, include_tofu, leaf)? {
            children.push(spec);
        }
    }
    Ok((!children.is_empty()).then_some(Spec::Group { union, children }))
}

/// Every dictionary `spec` of a whole config: the segmentation's (which
/// upstream always reads with tofu-risk dictionaries), then each step of
/// `normalization` and `conversion_chain`.
pub fn config_specs(
    config: &serde_json::Value,
    include_tofu: bool,
    leaf: &mut dyn FnMut(&serde_json::Value) -> Result<String, String>,
) -> Result<Vec<Spec>, String> {
    let mut specs = Vec::new();
    if let Some(dict) = config.get("segmentation").and_then(|s| s.get("dict")) {
        specs.extend(spec_of(dict, true, leaf)?);
    }
    for chain in ["normalization", "conversion_chain"] {
        for step in config
            .get(chain)
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(dict) = step.get("dict") {
                specs.extend(spec_of(dict, include_tofu, leaf)?);
            }
        }
    }
    Ok(specs)
}

/// What to build: merged tries and the groups left between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// One trie holding these dictionaries, earlier ones winning on a key.
    Merged(Vec<String>),
    /// A group that must stay a group.
    Group {
        /// `true` for `union`.
        union: bool,
        /// Children in order.
        children: Vec<Plan>,
    },
}

/// What planning needs to know about the dictionaries' keys.
pub trait Facts {
    /// Whether some key of the dictionary `later` has a key of `earlier`
    /// as a proper prefix.
    fn extends(&self, earlier: &str, later: &str) -> bool;
}

/// Plans `spec`.
pub fn plan(spec: &Spec, facts: &dyn Facts) -> Plan {
    match spec {
        Spec::File(name) => Plan::Merged(vec![name.clone()]),
        Spec::Group { union, children } => {
            let mut planned: Vec<Plan> = children.iter().map(|c| plan(c, facts)).collect();
            if planned.len() == 1 {
                return planned.pop().expect("one child");
            }
            if *union {
                if planned.iter().all(|p| matches!(p, Plan::Merged(_))) {
                    return Plan::Merged(planned.into_iter().flat_map(names).collect());
                }
                return Plan::Group {
                    union: true,
                    children: planned,
                };
            }
            // short_circuit: merge runs of adjacent merged children where
            // no later key extends an earlier one (see the module doc).
            let mut runs: Vec<Plan> = Vec::new();
            for next in planned {
                if let (Some(Plan::Merged(run)), Plan::Merged(names)) = (runs.last_mut(), &next) {
                    let clash = run
                        .iter()
                        .any(|e| names.iter().any(|l| facts.extends(e, l)));
                    if !clash {
                        run.extend(names.iter().cloned());
                        continue;
                    }
                }
                runs.push(next);
            }
            let mut planned = runs;
            if planned.len() == 1 {
                return planned.pop().expect("one child");
            }
            Plan::Group {
                union: false,
                children: planned,
            }
        }
    }
}

fn names(plan: Plan) -> Vec<String> {
    match plan {
        Plan::Merged(names) => names,
        Plan::Group { .. } => unreachable!("only merged plans are folded"),
    }
}

/// Every merged trie of more than one dictionary that `plan` needs: the
/// merged leaves, and for each group the merge of all its dictionaries,
/// used only to tell whether any key of the group occurs in a text (see
/// [`probe_names`]).
pub fn merges(plan: &Plan, out: &mut Vec<Vec<String>>) {
    let mut add = |names: Vec<String>| {
        if names.len() > 1 && !out.contains(&names) {
            out.push(names);
        }
    };
    match plan {
        Plan::Merged(names) => add(names.clone()),
        Plan::Group { children, .. } => {
            add(probe_names(plan));
            children.iter().for_each(|c| merges(c, out));
        }
    }
}

/// All dictionaries under `plan`, in order: if no key of any of them occurs
/// in a text, the group converts that text to itself.
pub fn probe_names(plan: &Plan) -> Vec<String> {
    match plan {
        Plan::Merged(names) => names.clone(),
        Plan::Group { children, .. } => children.iter().flat_map(probe_names).collect(),
    }
}

/// The name under which a merged trie is stored.
pub fn merged_name(names: &[String]) -> String {
    names.join("+")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(n: &str) -> Spec {
        Spec::File(n.to_string())
    }

    /// Test facts: a dictionary named `*Characters` has one-character
    /// keys, so it extends nothing; `Clashing` extends every other one.
    struct Names;

    impl Facts for Names {
        fn extends(&self, _earlier: &str, later: &str) -> bool {
            later == "Clashing"
        }
    }

    fn merged(ns: &[&str]) -> Plan {
        Plan::Merged(ns.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn s2twp_first_step_becomes_one_trie() {
        let spec = Spec::Group {
            union: false,
            children: vec![
                Spec::Group {
                    union: true,
                    children: vec![file("STPhrases"), file("Generated")],
                },
                file("STCharacters"),
            ],
        };
        assert_eq!(
            plan(&spec, &Names),
            merged(&["STPhrases", "Generated", "STCharacters"])
        );
    }

    #[test]
    fn later_dictionaries_merge_unless_their_keys_extend_earlier_ones() {
        let spec = Spec::Group {
            union: false,
            children: vec![
                file("TWPhrases"),
                file("TWVariantsPhrases"),
                file("TWVariantsCharacters"),
            ],
        };
        assert_eq!(
            plan(&spec, &Names),
            merged(&["TWPhrases", "TWVariantsPhrases", "TWVariantsCharacters"])
        );
        let spec = Spec::Group {
            union: false,
            children: vec![
                file("TWPhrasesRev"),
                file("Clashing"),
                file("TWVariantsRevCharacters"),
            ],
        };
        assert_eq!(
            plan(&spec, &Names),
            Plan::Group {
                union: false,
                children: vec![
                    merged(&["TWPhrasesRev"]),
                    merged(&["Clashing", "TWVariantsRevCharacters"])
                ],
            }
        );
    }
}
