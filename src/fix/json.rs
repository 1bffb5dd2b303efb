/*!
JSON renderings of the fix stage's results, for reports (`--format json`,
`zhtidy detect --script`): plain `serde_json::Value`s with stable field
names, so the CLI needs no knowledge of the structs' layout.
*/

use serde_json::{json, Value};

use super::{Change, Fixed, Note, ParagraphScript, ScriptCounts, ScriptReport};

impl Change {
    /// `{"rule", "line", "column", "offset", "from", "to"}`.
    pub fn to_json(&self) -> Value {
        json!({
            "rule": self.rule.id(),
            "line": self.line,
            "column": self.column,
            "offset": self.offset,
            "from": self.from,
            "to": self.to,
        })
    }
}

impl Note {
    /// `{"id", "line", "column", "offset", "text", "message"}`.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "line": self.line,
            "column": self.column,
            "offset": self.offset,
            "text": self.text,
            "message": self.message,
        })
    }
}

impl ScriptCounts {
    /// `{"traditional_only", "simplified_only", "han"}`.
    pub fn to_json(&self) -> Value {
        json!({
            "traditional_only": self.traditional_only,
            "simplified_only": self.simplified_only,
            "han": self.han,
        })
    }
}

impl ParagraphScript {
    /// `{"line", "script", "counts"}`.
    pub fn to_json(&self) -> Value {
        json!({
            "line": self.line,
            "script": self.script.as_str(),
            "counts": self.counts.to_json(),
        })
    }
}

impl ScriptReport {
    /// `{"script", "counts", "paragraphs": [...]}`; with `paragraphs:
    /// false`, only the lines whose verdict differs from the document's.
    pub fn to_json(&self, paragraphs: bool) -> Value {
        let lines: Vec<Value> = self
            .paragraphs
            .iter()
            .filter(|p| paragraphs || p.script != self.script)
            .map(ParagraphScript::to_json)
            .collect();
        json!({
            "script": self.script.as_str(),
            "counts": self.counts.to_json(),
            "paragraphs": lines,
        })
    }
}

impl Fixed<'_> {
    /// `{"changed", "script", "changes": [...], "notes": [...]}`, the
    /// script report listing only lines that differ from the document.
    pub fn to_json(&self) -> Value {
        json!({
            "changed": !self.changes.is_empty(),
            "script": self.script.to_json(false),
            "changes": self.changes.iter().map(Change::to_json).collect::<Vec<_>>(),
            "notes": self.notes.iter().map(Note::to_json).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{detect_script, FixOptions, Fixer};

    #[test]
    fn changes_and_scripts_render_with_stable_names() {
        let fixed = Fixer::new(FixOptions::default()).fix("這個們說\n離开了。紅,黃,藍");
        let v = fixed.to_json();
        assert_eq!(v["changed"], true);
        assert_eq!(v["changes"][0]["rule"], "stray-glyph");
        assert_eq!(v["changes"][0]["line"], 2);
        assert_eq!(v["changes"][0]["column"], 2);
        assert_eq!(v["changes"][0]["from"], "开");
        assert_eq!(v["changes"][0]["to"], "開");
        assert_eq!(v["notes"][0]["id"], "enumeration-comma");
        assert_eq!(v["script"]["script"], "traditional");

        let report = detect_script("這是繁體字們\n这是简体字们");
        let all = report.to_json(true);
        assert_eq!(all["script"], "mixed");
        assert_eq!(all["paragraphs"].as_array().unwrap().len(), 2);
        assert_eq!(all["paragraphs"][1]["script"], "simplified");
        assert_eq!(all["paragraphs"][1]["counts"]["simplified_only"], 4);
    }
}
