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

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::builtin;
use super::dict_data::{parse_text, DictData};
use super::engine::{DictNode, MatchPolicy, Matcher, Stage};
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
    let doc: Value = serde_json::from_str(json).map_err(|e| Error::Config {
        config: src.label.clone(),
        reason: format!("invalid JSON: {e}"),
    })?;
    let loader = Loader { src, opts };
    let obj = doc.as_object().ok_or_else(|| loader.err("the config must be a JSON object"))?;

    let mut stages = Vec::new();
    if let Some(norm) = obj.get("normalization") {
        stages.push(Stage {
            segmentation: None,
            chain: loader.chain(norm, "normalization")?,
        });
    }
    let segmentation = match obj.get("segmentation") {
        None => None,
        Some(seg) => {
            let kind = seg.get("type").and_then(Value::as_str).unwrap_or("");
            if kind != "mmseg" {
                return Err(loader.err(&format!(
                    "segmentation type {kind:?} is not supported (only \"mmseg\")"
                )));
            }
            let dict = seg
                .get("dict")
                .ok_or_else(|| loader.err("segmentation has no \"dict\""))?;
            // Upstream always keeps tofu-risk dictionaries for segmentation.
            let keep_all = Loader {
                src,
                opts: LoadOptions {
                    include_tofu_risk: true,
                },
            };
            keep_all.dict(dict)?.map(Matcher::new)
        }
    };
    let chain_doc = obj
        .get("conversion_chain")
        .ok_or_else(|| loader.err("missing \"conversion_chain\""))?;
    stages.push(Stage {
        segmentation,
        chain: loader.chain(chain_doc, "conversion_chain")?,
    });
    Ok(stages)
}

struct Loader<'a> {
    src: &'a Source<'a>,
    opts: LoadOptions,
}

impl Loader<'_> {
    fn err(&self, reason: &str) -> Error {
        Error::Config {
            config: self.src.label.clone(),
            reason: reason.to_string(),
        }
    }

    fn chain(&self, doc: &Value, what: &str) -> Result<Vec<Matcher>, Error> {
        let steps = doc
            .as_array()
            .ok_or_else(|| self.err(&format!("\"{what}\" must be an array")))?;
        let mut chain = Vec::new();
        for step in steps {
            let dict = step
                .get("dict")
                .ok_or_else(|| self.err(&format!("a step of \"{what}\" has no \"dict\"")))?;
            if let Some(node) = self.dict(dict)? {
                chain.push(Matcher::new(node));
            }
        }
        Ok(chain)
    }

    /// Upstream `ParseDict`; `None` when tofu filtering empties it.
    fn dict(&self, doc: &Value) -> Result<Option<DictNode>, Error> {
        let kind = doc
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| self.err("a dictionary has no string \"type\""))?;
        if kind == "inline" {
            return self.inline(doc).map(Some);
        }
        let tofu = doc
            .get("may_output_tofu")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if tofu && !self.opts.include_tofu_risk {
            return Ok(None);
        }
        match kind {
            "group" => {
                let policy = match doc.get("match_policy").map(|p| p.as_str()) {
                    None | Some(Some("short_circuit")) => MatchPolicy::ShortCircuit,
                    Some(Some("union")) => MatchPolicy::Union,
                    Some(other) => {
                        return Err(self.err(&format!("unknown match_policy {other:?}")))
                    }
                };
                let dicts = doc
                    .get("dicts")
                    .and_then(Value::as_array)
                    .ok_or_else(|| self.err("a group has no \"dicts\" array"))?;
                let mut children = Vec::new();
                for child in dicts {
                    if let Some(node) = self.dict(child)? {
                        children.push(node);
                    }
                }
                Ok((!children.is_empty()).then_some(DictNode::Group { policy, children }))
            }
            "text" | "ocd2" | "ocd" => {
                let file = doc
                    .get("file")
                    .and_then(Value::as_str)
                    .ok_or_else(|| self.err("a dictionary has no \"file\""))?;
                self.file(kind, file).map(|d| Some(DictNode::Leaf(d)))
            }
            other => Err(self.err(&format!("unknown dictionary type {other:?}"))),
        }
    }

    fn inline(&self, doc: &Value) -> Result<DictNode, Error> {
        let entries = doc
            .get("entries")
            .and_then(Value::as_object)
            .ok_or_else(|| self.err("an inline dictionary has no \"entries\" object"))?;
        let mut text = String::new();
        for (key, value) in entries {
            let value = value
                .as_str()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| self.err(&format!("inline value of {key:?} must be a non-empty string")))?;
            if key.contains(['\t', '\n', '\r']) || value.contains(['\n', '\r']) {
                return Err(self.err(&format!("inline entry {key:?} contains a tab or newline")));
            }
            text.push_str(&format!("{key}\t{value}\n"));
        }
        let dict = DictData::from_entries(&parse_text(&text).map_err(|e| self.err(&e.reason))?)
            .map_err(|e| self.err(&e.reason))?;
        Ok(DictNode::Leaf(Arc::new(dict)))
    }

    fn file(&self, kind: &str, file: &str) -> Result<Arc<DictData>, Error> {
        if let Some(dir) = self.src.dir {
            let path = dir.join(file);
            if path.is_file() && kind == "text" {
                return load_text_dict(&path);
            }
        }
        let stem = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(file);
        if let Some(dict) = builtin::dict(&format!("{stem}.txt")) {
            return Ok(dict);
        }
        Err(self.err(&format!(
            "dictionary {file:?} ({kind}) not found{}; binary .ocd/.ocd2 files are read only \
             when they name a bundled dictionary, give the text form instead",
            self.src
                .dir
                .map(|d| format!(" in {} nor among the bundled ones", d.display()))
                .unwrap_or_default()
        )))
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
