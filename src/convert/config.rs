/*!
OpenCC JSON configs: the 16 bundled ones and users' own files.

The schema is upstream's: an optional `normalization` chain, an optional
`segmentation` (`type: "mmseg"` with a `dict`), and a `conversion_chain`.
A `dict` is `{type: "text"|"ocd2"|"ocd", file}`, `{type: "group",
match_policy?, dicts}` or `{type: "inline", entries}`; a dictionary marked
`may_output_tofu` is left out when the caller asks for no tofu-risk
dictionaries, and a group or conversion left empty by that disappears, as
upstream's `ParseDict`/`ParseConversionChain` do.

Dictionary files resolve like upstream: first beside the config file (a user
config can ship its own phrase lists), then the bundled data. Binary
`.ocd`/`.ocd2` files cannot be read, but the names of the bundled ones map
to the compiled copies, so system configs such as `/usr/share/opencc/s2t.json`
work unchanged.
*/

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::builtin;
use super::dict_data::DictData;
use super::engine::{DictNode, MatchPolicy, Matcher, OneScan, Stage};
use super::plan::{self, Plan};
use super::Error;

/// Options that change how a config is read.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// Keep dictionaries marked `may_output_tofu` (upstream's library default
    /// is to keep them; its Python command-line tool drops them).
    pub include_tofu_risk: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            include_tofu_risk: true,
        }
    }
}

/// Where a config came from, for error messages and dictionary lookup.
pub(crate) struct Source<'a> {
    /// What to call the config in errors (`s2t` or a path).
    pub label: String,
    /// The folder to resolve dictionary files in, for user configs.
    pub dir: Option<&'a Path>,
}

/// Parses config JSON into its stages: normalization (if any) first.
pub(crate) fn parse(json: &str, src: &Source<'_>, opts: LoadOptions) -> Result<Vec<Stage>, Error> {
    let err = |reason: String| Error::Config {
        config: src.label.clone(),
        reason,
    };
    let doc: Value = serde_json::from_str(json).map_err(|e| err(format!("invalid JSON: {e}")))?;
    if !doc.is_object() {
        return Err(err("the config must be a JSON object".into()));
    }
    let mut loader = Loader {
        src,
        table: HashMap::new(),
        inline_count: 0,
        failure: None,
    };

    let mut stages = Vec::new();
    if let Some(norm) = doc.get("normalization") {
        let chain = loader.chain(norm, "normalization", opts)?;
        stages.push(Stage::new(
            None,
            chain.into_iter().map(|(_, m)| m).collect(),
            None,
        ));
    }
    let segmentation = match doc.get("segmentation") {
        None => None,
        Some(seg) => {
            let kind = seg.get("type").and_then(Value::as_str).unwrap_or("");
            if kind != "mmseg" {
                return Err(err(format!(
                    "segmentation type {kind:?} is not supported (only \"mmseg\")"
                )));
            }
            let dict = seg
                .get("dict")
                .ok_or_else(|| err("segmentation has no \"dict\"".into()))?;
            // Upstream always keeps tofu-risk dictionaries for segmentation.
            loader.planned(dict, true)?
        }
    };
    let chain = doc
        .get("conversion_chain")
        .ok_or_else(|| err("missing \"conversion_chain\"".into()))?;
    let chain = loader.chain(chain, "conversion_chain", opts)?;
    let one_scan = match (&segmentation, chain.first()) {
        (Some((seg_plan, _)), Some((first_plan, _))) => {
            loader.one_scan_plan(seg_plan, first_plan)?
        }
        _ => None,
    };
    stages.push(Stage::new(
        segmentation.map(|(_, m)| m),
        chain.into_iter().map(|(_, m)| m).collect(),
        one_scan,
    ));
    Ok(stages)
}

/// Loads dictionaries as a config names them and turns plans into matchers.
struct Loader<'a> {
    src: &'a Source<'a>,
    /// Every dictionary named so far, by the name its spec uses: its
    /// longest key, and the dictionary itself unless it is a bundled one
    /// (those load only if used on their own, not merged).
    table: HashMap<String, (usize, Option<Arc<DictData>>)>,
    inline_count: usize,
    /// A load error inside the `spec_of` callback, which can only return
    /// a string; kept here to be returned with its type.
    failure: Option<Error>,
}

impl Loader<'_> {
    fn err(&self, reason: String) -> Error {
        Error::Config {
            config: self.src.label.clone(),
            reason,
        }
    }

    fn chain(
        &mut self,
        doc: &Value,
        what: &str,
        opts: LoadOptions,
    ) -> Result<Vec<(Plan, Matcher)>, Error> {
        let steps = doc
            .as_array()
            .ok_or_else(|| self.err(format!("\"{what}\" must be an array")))?;
        let mut chain = Vec::new();
        for step in steps {
            let dict = step
                .get("dict")
                .ok_or_else(|| self.err(format!("a step of \"{what}\" has no \"dict\"")))?;
            chain.extend(self.planned(dict, opts.include_tofu_risk)?);
        }
        Ok(chain)
    }

    /// Whether the first conversion can reuse the segmentation's lookups
    /// (see [`OneScan`]): its one trie is the segmentation's dictionaries
    /// followed by one-character dictionaries only.
    fn one_scan_plan(&self, segmentation: &Plan, first: &Plan) -> Result<Option<OneScan>, Error> {
        let (Plan::Merged(seg), Plan::Merged(first)) = (segmentation, first) else {
            return Ok(None);
        };
        let is_prefix = first.len() >= seg.len() && first[..seg.len()] == seg[..];
        if !is_prefix {
            return Ok(None);
        }
        let rest = &first[seg.len()..];
        if rest.iter().any(|n| self.table[n].0 > 1) {
            return Ok(None);
        }
        let rest = if rest.is_empty() {
            None
        } else {
            Some(Matcher::new(self.node(&Plan::Merged(rest.to_vec()))?))
        };
        Ok(Some(OneScan {
            rest,
            seg_parts: u32::try_from(seg.len()).expect("few dictionaries"),
        }))
    }

    /// A config `dict` object as a plan and a matcher (`None` if tofu
    /// filtering emptied it).
    fn planned(
        &mut self,
        doc: &Value,
        include_tofu: bool,
    ) -> Result<Option<(Plan, Matcher)>, Error> {
        let mut leaf = |d: &Value| self.leaf(d);
        let spec = plan::spec_of(doc, include_tofu, &mut leaf);
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        let Some(spec) = spec.map_err(|reason| self.err(reason))? else {
            return Ok(None);
        };
        let planned = plan::plan(&spec, &*self);
        let mut matcher = Matcher::new(self.node(&planned)?);
        if let Plan::Group { .. } = planned {
            let probe = self.merged(&plan::probe_names(&planned))?;
            matcher = matcher.with_probe(probe);
        }
        Ok(Some((planned, matcher)))
    }

    fn node(&self, planned: &Plan) -> Result<DictNode, Error> {
        match planned {
            Plan::Merged(names) if names.len() == 1 => Ok(DictNode::Leaf(self.load(&names[0]))),
            Plan::Merged(names) => self.merged(names).map(DictNode::Leaf),
            Plan::Group { union, children } => Ok(DictNode::Group {
                policy: if *union {
                    MatchPolicy::Union
                } else {
                    MatchPolicy::ShortCircuit
                },
                children: children
                    .iter()
                    .map(|c| self.node(c))
                    .collect::<Result<_, _>>()?,
            }),
        }
    }

    /// One dictionary holding the keys of `names` (earlier ones winning):
    /// compiled by build.rs for the bundled configs, built here otherwise.
    fn merged(&self, names: &[String]) -> Result<Arc<DictData>, Error> {
        if let [only] = names {
            return Ok(self.load(only));
        }
        if let Some(prebuilt) = builtin::dict(&plan::merged_name(names)) {
            return Ok(prebuilt);
        }
        let parts: Vec<Arc<DictData>> = names.iter().map(|n| self.load(n)).collect();
        let parts: Vec<&DictData> = parts.iter().map(Arc::as_ref).collect();
        DictData::merge(&parts)
            .map(Arc::new)
            .map_err(|e| self.err(e.reason))
    }

    /// The dictionary named `name` in `table`.
    fn load(&self, name: &str) -> Arc<DictData> {
        match &self.table[name] {
            (_, Some(dict)) => Arc::clone(dict),
            (_, None) => builtin::dict(name).expect("bundled names are checked when named"),
        }
    }

    /// Loads one non-group dictionary and returns its name in `table`.
    fn leaf(&mut self, doc: &Value) -> Result<String, String> {
        let loaded = match doc.get("type").and_then(Value::as_str) {
            Some("inline") => {
                self.inline_count += 1;
                let name = format!("inline#{}", self.inline_count);
                self.inline(doc)
                    .map(|d| (name, (d.max_key_chars(), Some(d))))
            }
            Some(kind @ ("text" | "ocd2" | "ocd")) => match doc.get("file").and_then(Value::as_str)
            {
                Some(file) => self.file(kind, file),
                None => Err(self.err("a dictionary has no \"file\"".into())),
            },
            Some(other) => Err(self.err(format!("unknown dictionary type {other:?}"))),
            None => Err(self.err("a dictionary has no string \"type\"".into())),
        };
        match loaded {
            Ok((name, entry)) => {
                self.table.entry(name.clone()).or_insert(entry);
                Ok(name)
            }
            Err(e) => {
                let message = e.to_string();
                self.failure = Some(e);
                Err(message)
            }
        }
    }

    fn inline(&self, doc: &Value) -> Result<Arc<DictData>, Error> {
        let entries = doc
            .get("entries")
            .and_then(Value::as_object)
            .ok_or_else(|| self.err("an inline dictionary has no \"entries\" object".into()))?;
        let mut text = String::new();
        for (key, value) in entries {
            let value = value.as_str().filter(|v| !v.is_empty()).ok_or_else(|| {
                self.err(format!(
                    "inline value of {key:?} must be a non-empty string"
                ))
            })?;
            if key.contains(['\t', '\n', '\r']) || value.contains(['\n', '\r']) {
                return Err(self.err(format!("inline entry {key:?} contains a tab or newline")));
            }
            text.push_str(&format!("{key}\t{value}\n"));
        }
        DictData::from_text(&text)
            .map(Arc::new)
            .map_err(|e| self.err(e.reason))
    }

    /// A dictionary file: beside a user config first, then the bundled one
    /// of the same stem. Returns its table name and table entry.
    #[allow(clippy::type_complexity)]
    fn file(
        &self,
        kind: &str,
        file: &str,
    ) -> Result<(String, (usize, Option<Arc<DictData>>)), Error> {
        if let Some(dir) = self.src.dir {
            let path = dir.join(file);
            if path.is_file() && kind == "text" {
                let name = path.display().to_string();
                if let Some(entry) = self.table.get(&name) {
                    return Ok((name, entry.clone()));
                }
                return load_text_dict(&path).map(|d| (name, (d.max_key_chars(), Some(d))));
            }
        }
        let stem = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(file);
        let name = format!("{stem}.txt");
        if let Some(max) = builtin::max_key_chars(&name) {
            return Ok((name, (max, None)));
        }
        Err(self.err(format!(
            "dictionary {file:?} ({kind}) not found{}; binary .ocd/.ocd2 files are read only \
             when they name a bundled dictionary, give the text form instead",
            self.src
                .dir
                .map(|d| format!(" in {} nor among the bundled ones", d.display()))
                .unwrap_or_default()
        )))
    }
}

impl plan::Facts for Loader<'_> {
    /// From build.rs's table for two bundled dictionaries (which are not
    /// loaded for it), from the keys otherwise.
    fn extends(&self, earlier: &str, later: &str) -> bool {
        match (&self.table[earlier], &self.table[later]) {
            ((_, None), (_, None)) => builtin::extends(earlier, later),
            _ => self.load(later).extends_a_key_of(&self.load(earlier)),
        }
    }
}

/// Reads and compiles an OpenCC text dictionary file (`from<TAB>to`).
pub fn load_text_dict(path: &Path) -> Result<Arc<DictData>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: PathBuf::from(path),
        source,
    })?;
    DictData::from_text(&text)
        .map(Arc::new)
        .map_err(|e| Error::Dict {
            path: PathBuf::from(path),
            line: e.line,
            reason: e.reason,
        })
}
