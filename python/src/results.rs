/*!
What results come back as: small frozen Python objects copied out of the
library's structs once the work is done (so they own their data and need
no lifetime).

`Result.to_dict()` has the keys and values of the command line's
`--output-format json` object (without `path`), so a JSON report and a
Python result can be compared field by field.
*/

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use zhtidy::decode::Decoded;
use zhtidy::fix::{Change, Note};
use zhtidy::pipeline::Tidied;
use zhtidy::strip::{Refusal, RemovalKind};

/// A detection confidence as the command line's JSON has it: the `f32`
/// widened to `f64` (so `0.99999744` reads `0.9999974370002747`).
pub fn confidence(x: f32) -> f64 {
    f64::from(x)
}

/// One thing strip removed.
#[pyclass(frozen, get_all, module = "zhtidy")]
#[derive(Clone)]
pub struct Removal {
    /// Id of the rule that matched.
    rule: String,
    /// The rule's family.
    family: String,
    /// 1-based line in the input.
    line: usize,
    /// What went, as a reader sees it (trimmed).
    text: String,
    /// `"line"` (the whole line went) or `"suffix"` (a credit at its end).
    kind: &'static str,
    /// Byte offset (in the UTF-8 input) where `deleted` started.
    at: usize,
    /// The exact text deleted, line ending and blank lines included.
    deleted: String,
    /// The cues that decided a cue rule's removal (empty otherwise).
    cues: Vec<String>,
}

#[pymethods]
impl Removal {
    fn __repr__(&self) -> String {
        format!(
            "Removal(rule={:?}, line={}, text={:?})",
            self.rule, self.line, self.text
        )
    }

    /// The removal as the command line's JSON reports it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("rule", &self.rule)?;
        d.set_item("family", &self.family)?;
        d.set_item("line", self.line)?;
        d.set_item("text", &self.text)?;
        d.set_item("kind", self.kind)?;
        if !self.cues.is_empty() {
            d.set_item("cues", self.cues.clone())?;
        }
        d.set_item("at", self.at)?;
        d.set_item("deleted", &self.deleted)?;
        Ok(d)
    }
}

/// One change the fix stage made.
#[pyclass(frozen, get_all, module = "zhtidy")]
#[derive(Clone)]
pub struct FixChange {
    /// The rule's id (`stray-glyph`, `zero-width`, …).
    rule: &'static str,
    /// 1-based line in the input.
    line: usize,
    /// 1-based column in the input, in characters.
    column: usize,
    /// Byte offset in the (UTF-8) input.
    offset: usize,
    /// The text replaced (`from` in JSON).
    from_: String,
    /// The replacement (empty for a removal).
    to: String,
}

#[pymethods]
impl FixChange {
    fn __repr__(&self) -> String {
        format!(
            "FixChange(rule={:?}, line={}, column={}, from_={:?}, to={:?})",
            self.rule, self.line, self.column, self.from_, self.to
        )
    }

    /// The change as the command line's JSON reports it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("rule", self.rule)?;
        d.set_item("line", self.line)?;
        d.set_item("column", self.column)?;
        d.set_item("offset", self.offset)?;
        d.set_item("from", &self.from_)?;
        d.set_item("to", &self.to)?;
        Ok(d)
    }
}

/// Something the fix stage noticed but left alone.
#[pyclass(frozen, get_all, module = "zhtidy")]
#[derive(Clone)]
pub struct FixNote {
    /// A rule-like id (`enumeration-comma`).
    id: &'static str,
    /// 1-based line in the input.
    line: usize,
    /// 1-based column in the input, in characters.
    column: usize,
    /// Byte offset in the (UTF-8) input.
    offset: usize,
    /// The text the note is about.
    text: String,
    /// What to check.
    message: String,
}

#[pymethods]
impl FixNote {
    fn __repr__(&self) -> String {
        format!(
            "FixNote(id={:?}, line={}, column={}, text={:?})",
            self.id, self.line, self.column, self.text
        )
    }

    /// The note as the command line's JSON reports it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id)?;
        d.set_item("line", self.line)?;
        d.set_item("column", self.column)?;
        d.set_item("offset", self.offset)?;
        d.set_item("text", &self.text)?;
        d.set_item("message", &self.message)?;
        Ok(d)
    }
}

/// Strip's safety limit kept the document unchanged.
#[pyclass(frozen, get_all, module = "zhtidy")]
#[derive(Clone)]
pub struct StripRefusal {
    /// Lines the rules matched.
    would_remove: usize,
    /// Non-blank lines in the document.
    lines: usize,
    /// Prose characters the removal would take.
    would_remove_chars: usize,
    /// Prose characters in the document.
    prose_chars: usize,
    /// The configured limit (`max_removed_share`).
    max_share: f64,
    /// The command line's message.
    message: String,
}

#[pymethods]
impl StripRefusal {
    fn __repr__(&self) -> String {
        format!("StripRefusal({:?})", self.message)
    }

    fn __str__(&self) -> String {
        self.message.clone()
    }

    /// The refusal as the command line's JSON reports it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("would_remove", self.would_remove)?;
        d.set_item("lines", self.lines)?;
        d.set_item("would_remove_chars", self.would_remove_chars)?;
        d.set_item("prose_chars", self.prose_chars)?;
        d.set_item("max_share", self.max_share)?;
        d.set_item("message", &self.message)?;
        Ok(d)
    }
}

impl From<&Refusal> for StripRefusal {
    fn from(r: &Refusal) -> Self {
        StripRefusal {
            would_remove: r.would_remove,
            lines: r.lines,
            would_remove_chars: r.would_remove_chars,
            prose_chars: r.prose_chars,
            max_share: r.max_share,
            message: r.to_string(),
        }
    }
}

impl From<&Change> for FixChange {
    fn from(c: &Change) -> Self {
        FixChange {
            rule: c.rule.id(),
            line: c.line,
            column: c.column,
            offset: c.offset,
            from_: c.from.to_string(),
            to: c.to.to_string(),
        }
    }
}

impl From<&Note> for FixNote {
    fn from(n: &Note) -> Self {
        FixNote {
            id: n.id,
            line: n.line,
            column: n.column,
            offset: n.offset,
            text: n.text.to_string(),
            message: n.message.to_string(),
        }
    }
}

/// What the pipeline did to one document.
#[pyclass(frozen, get_all, module = "zhtidy")]
pub struct Result {
    /// The cleaned text.
    text: String,
    /// The encoding the bytes were in (`None` for `str` input).
    encoding: Option<&'static str>,
    /// How sure the detection was, 0..1 (`None` for `str` input).
    encoding_confidence: Option<f64>,
    /// Whether the bytes started with a byte order mark.
    bom: bool,
    /// Malformed byte sequences replaced by U+FFFD (only with `lossy`).
    replacements: usize,
    /// The encoding UTF-8 text was once wrongly read as, when it holds
    /// mojibake.
    mojibake: Option<String>,
    /// Whether that mojibake was reversed (`fix_mojibake`).
    mojibake_fixed: bool,
    /// The command line report's `mojibake` and `damage` objects, as
    /// JSON text (`null` when there is none).
    mojibake_json: String,
    damage_json: String,
    /// What strip removed.
    removals: Vec<Removal>,
    /// Set when strip's safety limit kept the text unchanged.
    strip_refused: Option<StripRefusal>,
    /// What fix changed (positions in the input).
    fix_changes: Vec<FixChange>,
    /// What fix noticed but left alone.
    fix_notes: Vec<FixNote>,
    /// The script of the input and of its paragraphs that differ from it,
    /// as JSON text (the CLI report's `fix.script`).
    input_script: String,
    /// The script detected for conversion (`simplified`, `traditional`, …);
    /// `None` without conversion or with `source`.
    script: Option<&'static str>,
    /// The OpenCC configs applied, in order.
    converted_with: Vec<String>,
}

impl Result {
    /// Copies what Python needs out of a pipeline run over `input`.
    pub fn new(input: &str, decoded: Option<&Decoded>, t: &Tidied<'_>) -> Self {
        Result {
            input_script: zhtidy::fix::detect_script(input).to_json(false).to_string(),
            text: t.text.to_string(),
            encoding: decoded.map(|d| d.encoding.name()),
            encoding_confidence: decoded.map(|d| confidence(d.confidence)),
            bom: decoded.is_some_and(|d| d.bom),
            replacements: decoded.map_or(0, |d| d.replacements),
            mojibake: decoded.and_then(|d| d.mojibake.as_ref().map(|m| m.kind())),
            mojibake_json: decoded.map_or("null".into(), mojibake_json),
            damage_json: decoded.map_or("null".into(), damage_json),
            mojibake_fixed: decoded.is_some_and(|d| d.mojibake.as_ref().is_some_and(|m| m.fixed)),
            removals: t
                .removals
                .iter()
                .map(|r| Removal {
                    rule: r.rule.clone(),
                    // Family ids in the one style reports use (kebab-case).
                    family: r.family.replace('_', "-"),
                    line: r.line,
                    text: r.text.clone(),
                    kind: match r.kind {
                        RemovalKind::Line => "line",
                        RemovalKind::Suffix => "suffix",
                    },
                    at: r.at,
                    deleted: r.deleted.clone(),
                    cues: r.cues.clone(),
                })
                .collect(),
            strip_refused: t.strip_refused.as_ref().map(StripRefusal::from),
            fix_changes: t.fix_changes.iter().map(FixChange::from).collect(),
            fix_notes: t.fix_notes.iter().map(FixNote::from).collect(),
            script: t.script.map(|s| s.as_str()),
            converted_with: t.converted_with.clone(),
        }
    }
}

#[pymethods]
impl Result {
    fn __repr__(&self) -> String {
        format!(
            "Result(encoding={:?}, removals={}, fix_changes={}, converted_with={:?}, text={} chars)",
            self.encoding,
            self.removals.len(),
            self.fix_changes.len(),
            self.converted_with,
            self.text.chars().count()
        )
    }

    fn __str__(&self) -> String {
        self.text.clone()
    }

    /// The result with the keys and values of `zhtidy --output-format
    /// json` (without `path`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("encoding", self.encoding)?;
        d.set_item("encoding_confidence", self.encoding_confidence)?;
        let json = py.import("json")?;
        d.set_item(
            "mojibake",
            json.call_method1("loads", (&self.mojibake_json,))?,
        )?;
        d.set_item("damage", json.call_method1("loads", (&self.damage_json,))?)?;
        d.set_item("text", &self.text)?;
        let removals = PyList::empty(py);
        for r in &self.removals {
            removals.append(r.to_dict(py)?)?;
        }
        d.set_item("removals", removals)?;
        d.set_item(
            "strip_refused",
            self.strip_refused
                .as_ref()
                .map(|r| r.to_dict(py))
                .transpose()?,
        )?;
        let fix = PyDict::new(py);
        let changes = PyList::empty(py);
        for c in &self.fix_changes {
            changes.append(c.to_dict(py)?)?;
        }
        let notes = PyList::empty(py);
        for n in &self.fix_notes {
            notes.append(n.to_dict(py)?)?;
        }
        let script = py
            .import("json")?
            .call_method1("loads", (&self.input_script,))?;
        fix.set_item("script", script)?;
        fix.set_item("changes", changes)?;
        fix.set_item("notes", notes)?;
        d.set_item("fix", fix)?;
        d.set_item("script", self.script)?;
        d.set_item("converted_with", self.converted_with.clone())?;
        Ok(d)
    }
}

/// The command line report's `mojibake` object as JSON text.
fn mojibake_json(d: &Decoded) -> String {
    match &d.mojibake {
        None => "null".into(),
        Some(m) => format!(
            r#"{{"kind":"{}","fixed":{},"lines":{}}}"#,
            m.kind(),
            m.fixed,
            m.lines.map_or("null".into(), |n| n.to_string())
        ),
    }
}

/// The command line report's `damage` object as JSON text.
fn damage_json(d: &Decoded) -> String {
    let g = &d.damage;
    match g.kind() {
        None => "null".into(),
        Some(kind) => format!(
            r#"{{"kind":"{kind}","fffd":{},"kunkao":{},"tang":{},"tun":{},"question":{},"lines":{:?}}}"#,
            g.fffd, g.kunkao, g.tang, g.tun, g.question, g.lines
        ),
    }
}

/// What `detect` found in some bytes (the fields of `zhtidy detect
/// --output-format json`).
#[pyclass(frozen, get_all, module = "zhtidy")]
pub struct Detection {
    /// The encoding (`UTF-8`, `GBK`, `gb18030`, `Big5`, `UTF-16LE`, …), or
    /// `"binary"`.
    pub encoding: &'static str,
    /// How sure, 0..1 (`None` for binary input).
    pub confidence: Option<f64>,
    /// Whether the bytes start with a byte order mark.
    pub bom: bool,
    /// The encoding UTF-8 text was once wrongly read as, if it holds
    /// mojibake.
    pub mojibake: Option<String>,
    /// Malformed byte sequences (detection decodes with replacement).
    pub replacements: usize,
    /// Why the bytes look binary (`None` for text).
    pub binary: Option<String>,
}

#[pymethods]
impl Detection {
    fn __repr__(&self) -> String {
        let opt = |o: Option<&str>| o.map_or("None".to_string(), |s| format!("{s:?}"));
        format!(
            "Detection(encoding={:?}, confidence={}, bom={}, mojibake={}, replacements={}, binary={})",
            self.encoding,
            self.confidence.map_or("None".to_string(), |c| c.to_string()),
            if self.bom { "True" } else { "False" },
            opt(self.mojibake.as_deref()),
            self.replacements,
            opt(self.binary.as_deref()),
        )
    }
}
