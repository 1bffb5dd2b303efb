/*!
Stage 4, **convert**: Traditional ⇄ Simplified and regional variants,
byte-identical to OpenCC 1.4.2.

A [`Converter`] is built once from a config (one of the 16 bundled ones, or
an OpenCC JSON file) and shared: it is `Clone + Send + Sync`, and cloning
only bumps a reference count. [`Converter::convert`] borrows its input back
when nothing changes.

```
use zhtidy::convert::Converter;

let s2t = Converter::builtin("s2t").unwrap();
assert_eq!(s2t.convert("汉字转换"), "漢字轉換");
assert!(matches!(s2t.convert("abc"), std::borrow::Cow::Borrowed("abc")));
```

The algorithm is in [`engine`], the config format in [`config`], the
compiled dictionaries in `builtin`, and chunked conversion of large inputs
in [`stream`].
*/

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub mod config;
mod dart;
pub mod dict_data;
pub mod engine;
pub mod plan;
mod sparse;
pub mod stream;
pub(crate) mod utf8;

pub(crate) mod builtin;

pub use builtin::CONFIG_NAMES;
pub use config::LoadOptions;
pub use dict_data::DictData;

/// A bundled compiled dictionary by file name (`STPhrases.txt`), loaded on
/// first use and shared. For other stages (fix) that look up phrases
/// without running a whole conversion chain.
pub(crate) fn builtin_dict(file_name: &str) -> Option<Arc<DictData>> {
    builtin::dict(file_name)
}

use dict_data::CharSet;
use engine::{DictNode, Matcher, Stage};

/// What can go wrong while building a converter or converting a stream.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A config name that is neither bundled nor an existing file.
    #[error("unknown config {name:?}: not one of the bundled configs ({}) nor a file", CONFIG_NAMES.join(", "))]
    UnknownConfig {
        /// What the user asked for.
        name: String,
    },
    /// A config file that cannot be understood.
    #[error("config {config}: {reason}")]
    Config {
        /// The config name or path.
        config: String,
        /// What is wrong.
        reason: String,
    },
    /// A dictionary file with a bad line.
    #[error("dictionary {}:{line}: {reason}", path.display())]
    Dict {
        /// The dictionary file.
        path: PathBuf,
        /// 1-based line number (0 when not tied to a line).
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A file that cannot be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Input that is not valid UTF-8.
    #[error("invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 {
        /// Offset of the first bad byte from the start of the input.
        offset: u64,
    },
}

/// Texts shorter than this are not cut into pieces by `run_pieces`.
const PIECES_MIN: usize = 256 * 1024;

/// A ready-to-use conversion: one OpenCC config plus optional user
/// dictionaries that take precedence.
#[derive(Debug, Clone)]
pub struct Converter {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    name: String,
    /// User dictionaries (`--dict`), matched before anything else.
    user: Option<Matcher>,
    /// Normalization (if the config has one), then the main stage.
    stages: Vec<Stage>,
    /// Characters that occur in some key of some dictionary used; cutting
    /// the input right after any other character cannot change the output.
    key_chars: CharSet,
    /// Whether some value contains an ideographic description operator,
    /// which would let a later step group characters across a cut.
    values_have_ids: bool,
    /// Longest key in characters over every dictionary used.
    max_key_chars: usize,
    /// [`Converter::pieces_guard`], computed on first use.
    pieces_guard: OnceLock<usize>,
}

/// Builds a [`Converter`]: a config, then options.
#[derive(Debug, Clone, Default)]
pub struct ConverterBuilder {
    options: LoadOptions,
    user_dicts: Vec<Arc<DictData>>,
}

impl ConverterBuilder {
    /// Starts with upstream's library defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps or drops dictionaries marked `may_output_tofu` (default: keep,
    /// as upstream's library; `opencc`'s Python command line drops them).
    pub fn include_tofu_risk(mut self, yes: bool) -> Self {
        self.options.include_tofu_risk = yes;
        self
    }

    /// Adds a user dictionary. A match in a user dictionary is replaced by
    /// its value and is not touched by the config; the text between such
    /// matches is converted by the config as usual. Earlier dictionaries win
    /// over later ones for the same key.
    pub fn user_dict(mut self, dict: Arc<DictData>) -> Self {
        self.user_dicts.push(dict);
        self
    }

    /// Adds a user dictionary file in OpenCC's text format (`from<TAB>to`).
    pub fn user_dict_file(self, path: &Path) -> Result<Self, Error> {
        Ok(self.user_dict(config::load_text_dict(path)?))
    }

    /// Builds from a bundled config (`s2t`, `s2t.json`, …) or, failing that,
    /// a config file path: what `opencc -c` accepts.
    pub fn build(self, name_or_path: &str) -> Result<Converter, Error> {
        if let Some((name, json)) = builtin::config_json(name_or_path) {
            let src = config::Source {
                label: name.to_string(),
                dir: None,
            };
            let stages = config::parse(json, &src, self.options)?;
            return Ok(self.finish(name.to_string(), stages));
        }
        let path = Path::new(name_or_path);
        if path.is_file() {
            return self.build_from_file(path);
        }
        Err(Error::UnknownConfig {
            name: name_or_path.to_string(),
        })
    }

    /// Builds from an OpenCC JSON config file. Its dictionary files are
    /// looked up beside it first, then among the bundled ones.
    pub fn build_from_file(self, path: &Path) -> Result<Converter, Error> {
        let json = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let src = config::Source {
            label: path.display().to_string(),
            dir: Some(dir),
        };
        let stages = config::parse(&json, &src, self.options)?;
        Ok(self.finish(path.display().to_string(), stages))
    }

    fn finish(self, name: String, stages: Vec<Stage>) -> Converter {
        let user = match self.user_dicts.len() {
            0 => None,
            1 => Some(Matcher::new(DictNode::Leaf(Arc::clone(
                &self.user_dicts[0],
            )))),
            _ => Some(Matcher::new(DictNode::Group {
                policy: engine::MatchPolicy::ShortCircuit,
                children: self
                    .user_dicts
                    .iter()
                    .cloned()
                    .map(DictNode::Leaf)
                    .collect(),
            })),
        };
        let mut key_chars = CharSet::default();
        let mut values_have_ids = false;
        let mut max_key_chars = 0;
        let matchers = stages.iter().flat_map(Stage::matchers).chain(user.iter());
        for m in matchers {
            m.node().for_each_leaf(&mut |d| {
                key_chars.union_with(d.key_chars());
                max_key_chars = max_key_chars.max(d.max_key_chars());
                values_have_ids |= d.values_have_ids();
            });
        }
        Converter {
            inner: Arc::new(Inner {
                name,
                user,
                stages,
                key_chars,
                values_have_ids,
                max_key_chars,
                pieces_guard: OnceLock::new(),
            }),
        }
    }
}

impl Converter {
    /// A bundled config by name (`s2t`, `s2twp.json`, …) or a config file:
    /// shorthand for [`ConverterBuilder::build`] with default options.
    pub fn new(name_or_path: &str) -> Result<Self, Error> {
        ConverterBuilder::new().build(name_or_path)
    }

    /// A bundled config only; never reads a file.
    pub fn builtin(name: &str) -> Result<Self, Error> {
        if builtin::config_json(name).is_none() {
            return Err(Error::UnknownConfig {
                name: name.to_string(),
            });
        }
        Self::new(name)
    }

    /// The config's name (or path).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Converts `text`; borrows it back when the result is identical.
    pub fn convert<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        self.convert_into(text, &mut out);
        if out == text {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(out)
        }
    }

    /// Converts `text`, appending the result to `out`.
    pub fn convert_into(&self, text: &str, out: &mut String) {
        match &self.inner.user {
            None => self.run_pieces(text, out),
            Some(user) => user.segment(text, |seg, hit| match hit {
                Some(hit) => out.push_str(hit.value),
                None => self.run_pieces(seg, out),
            }),
        }
    }

    /// [`Converter::run_stages`] on `text` cut into pieces, so that only
    /// the pieces around ideographic description operators take the
    /// stages' slow path (position by position, stepping over each
    /// sequence): one operator would otherwise send a whole text (a
    /// streamed megabyte) that way. The cuts are those of
    /// [`Converter::safe_cut`]: after a character that no key holds, and
    /// far enough from any operator that no sequence spans them, so the
    /// pieces convert as the whole text does.
    ///
    /// A text shorter than [`PIECES_MIN`] is converted whole: the guard
    /// takes reading the dictionaries once (3 ms for s2twp's STPhrases),
    /// more than the slow path costs on so little text.
    fn run_pieces(&self, text: &str, out: &mut String) {
        if self.inner.values_have_ids || text.len() < PIECES_MIN {
            self.run_stages(text, out);
            return;
        }
        let mut done = 0;
        while done < text.len() {
            let rest = &text[done..];
            let Some(op) = engine::find_ids_operator(rest) else {
                self.run_stages(rest, out);
                return;
            };
            // Computed on the first operator only: it reads dictionaries.
            let guard = self.pieces_guard();
            // The last cut before the operator. The text before it holds
            // no operator, and the one before `done` is `guard` code points
            // back at least.
            let before = rest[..op]
                .char_indices()
                .rev()
                .find(|&(_, c)| !self.inner.key_chars.contains(c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            if before > 0 {
                self.run_stages(&rest[..before], out);
            }
            // The first cut after `guard` code points with no operator.
            let mut since_operator = 0;
            let mut after = rest.len();
            for (i, c) in rest[op..].char_indices() {
                if engine::is_ids_operator(c) {
                    since_operator = 0;
                } else if since_operator >= guard && !self.inner.key_chars.contains(c) {
                    after = op + i + c.len_utf8();
                    break;
                } else {
                    since_operator += 1;
                }
            }
            self.run_stages(&rest[before..after], out);
            done += after;
        }
    }

    /// How many code points after an ideographic description operator a
    /// cut must be, so that no sequence spans it in any step: a sequence
    /// runs at most 64 code points, and later steps see the text shrunk by
    /// at most the longest key.
    fn ids_guard(&self) -> usize {
        64 * self.inner.max_key_chars.max(1) + 64
    }

    /// [`Converter::ids_guard`] made tight for [`Converter::run_pieces`]:
    /// a step reads the output of the steps before it, which is shrunk at
    /// most by the product of their [`DictData::max_shrink`]s, so a cut
    /// `64 ×` that (plus 64) code points after an operator is as far from
    /// it, in every step's input, as a sequence can reach. For t2s the
    /// only step before the last is the normalization, which maps one
    /// character to one: 128 code points, where `ids_guard` takes 704.
    /// Reading every key and value of the steps before the last costs
    /// about 3 ms for STPhrases (11 M instructions), so it is done once,
    /// and only for long texts with an operator.
    fn pieces_guard(&self) -> usize {
        *self.inner.pieces_guard.get_or_init(|| {
            let steps: Vec<&engine::Matcher> = self
                .inner
                .stages
                .iter()
                .flat_map(|stage| stage.steps())
                .collect();
            let mut factor: usize = 1;
            for step in steps.iter().take(steps.len().saturating_sub(1)) {
                let mut shrink = Some(1);
                step.node().for_each_leaf(&mut |d| {
                    shrink = shrink.zip(d.max_shrink()).map(|(a, b)| a.max(b));
                });
                factor = shrink.map_or(usize::MAX, |s| factor.saturating_mul(s));
            }
            factor.saturating_mul(64).saturating_add(64)
        })
    }

    fn run_stages(&self, text: &str, out: &mut String) {
        let mut stages = self.inner.stages.as_slice();
        // A leading stage that would copy the text unchanged is skipped,
        // and one that would copy a prefix unchanged runs on the rest.
        let mut prefix = 0;
        while let [first, rest @ ..] = stages {
            match first.unchanged_prefix(text) {
                Some(len) if len == text.len() => stages = rest,
                Some(len) => {
                    prefix = len;
                    break;
                }
                None => break,
            }
        }
        match stages {
            [] => out.push_str(text),
            [only] => {
                out.push_str(&text[..prefix]);
                only.run(&text[prefix..], out);
            }
            [first, rest @ ..] => {
                let mut current = String::with_capacity(text.len());
                current.push_str(&text[..prefix]);
                first.run(&text[prefix..], &mut current);
                for (i, stage) in rest.iter().enumerate() {
                    if i + 1 == rest.len() {
                        stage.run(&current, out);
                    } else {
                        let mut next = String::with_capacity(current.len());
                        stage.run(&current, &mut next);
                        current = next;
                    }
                }
            }
        }
    }

    /// The largest `n <= text.len()` such that converting `text[..n]` and
    /// `text[n..]` separately gives the same as converting `text` whole, or
    /// `None` if there is no such cut but 0. Used to stream large inputs.
    ///
    /// A cut is safe right after a character that occurs in no key of any
    /// dictionary used (no match can contain it, in any step), provided no
    /// ideographic description sequence can span the cut: such a sequence
    /// runs at most 64 code points, and later steps see the text shrunk by
    /// at most the longest key, so an operator that far back is harmless.
    /// That bound holds when one step before the last can shrink the text
    /// (every built-in config); a user config may chain several, whose
    /// shrinks multiply, so the guard is the larger of it and
    /// [`Converter::pieces_guard`] (which computes the product). Without an
    /// operator in `text` the guard changes nothing, and the product (read
    /// from every key and value once) is not computed.
    pub fn safe_cut(&self, text: &str) -> Option<usize> {
        if self.inner.values_have_ids {
            return None;
        }
        let guard = if engine::contains_ids_operator(text) {
            self.ids_guard().max(self.pieces_guard())
        } else {
            self.ids_guard()
        };
        // (cut, code points seen before it without an operator)
        let mut candidate: Option<(usize, usize)> = None;
        for (i, c) in text.char_indices().rev() {
            match candidate.as_mut() {
                Some(_) if engine::is_ids_operator(c) => candidate = None,
                Some((cut, seen)) => {
                    *seen += 1;
                    if *seen >= guard {
                        return Some(*cut);
                    }
                }
                None if !engine::is_ids_operator(c) && !self.inner.key_chars.contains(c) => {
                    candidate = Some((i + c.len_utf8(), 0));
                }
                None => {}
            }
        }
        candidate.map(|(cut, _)| cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn converter_is_shareable() {
        assert_send_sync_clone::<Converter>();
    }

    #[test]
    fn bundled_configs_convert() {
        let cases = [
            ("s2t", "汉字转换", "漢字轉換"),
            ("t2s", "漢字轉換", "汉字转换"),
            ("s2twp", "鼠标和软件", "滑鼠和軟體"),
            ("s2t.json", "发展", "發展"),
        ];
        for (config, input, expected) in cases {
            let c = Converter::new(config).unwrap();
            assert_eq!(c.convert(input), expected, "{config}");
        }
    }

    #[test]
    fn unknown_config_is_an_error_naming_it() {
        let err = Converter::new("s2x").unwrap_err();
        assert!(err.to_string().contains("\"s2x\""), "{err}");
    }

    #[test]
    fn user_dictionary_takes_precedence() {
        let dict = DictData::from_text("台湾\t台灣\n").unwrap();
        let c = ConverterBuilder::new()
            .user_dict(Arc::new(dict))
            .build("s2t")
            .unwrap();
        assert_eq!(c.convert("台湾和台风"), "台灣和颱風");
    }

    #[test]
    fn pieces_around_ideographic_description_operators_convert_as_the_whole() {
        // Operators near and far from each other and from the ends, some
        // sequences complete, some not; phrases that span every distance.
        let phrases = [
            "鼠标和软件",
            "⿰氵工",
            "计算机",
            "⿱⿰",
            "。",
            "⿲",
            "汉字转换",
            "⿳",
        ];
        for config in ["s2twp", "t2s", "s2t", "tw2sp"] {
            let c = Converter::new(config).unwrap();
            let mut seed = 3u32;
            // (phrases, one in how many may be an operator): dense ones
            // make one slow piece, sparse ones (farther apart than the
            // guard) several, with fast pieces between.
            for (len, rarity) in [(0, 1), (1, 1), (5, 2), (40, 5), (300, 7), (50_000, 400)] {
                let mut text = String::new();
                for _ in 0..len {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    let r = (seed >> 16) as usize;
                    // Odd indexes are the operators.
                    let pick = if r.is_multiple_of(rarity) {
                        r / rarity
                    } else {
                        r & !1
                    };
                    text.push_str(phrases[pick % phrases.len()]);
                }
                // The long one is cut into pieces.
                assert!(len < 1000 || (text.len() >= PIECES_MIN && text.matches('⿰').count() > 5));
                let mut whole = String::new();
                c.run_stages(&text, &mut whole);
                let mut pieces = String::new();
                c.run_pieces(&text, &mut pieces);
                assert_eq!(pieces, whole, "{config} {text:?}");
            }
        }
    }

    /// Short texts through one converter earn its memo once they add up
    /// to [`engine`]'s threshold, and converting with it gives what a
    /// converter without it gives.
    #[test]
    fn many_short_texts_build_the_memo_and_convert_the_same() {
        let texts: Vec<String> = (0..400)
            .map(|i| format!("第{i}段：这里的面条和里面的发展，台风后干净了。\n"))
            .collect();
        let warm = Converter::builtin("s2twp").unwrap();
        let built = |c: &Converter| c.inner.stages.iter().any(Stage::memo_built);
        assert!(!built(&warm));
        let mut first = Vec::new();
        for t in &texts {
            first.push(warm.convert(t).into_owned());
        }
        assert!(built(&warm), "{} bytes converted", texts.concat().len());
        for (t, before) in texts.iter().zip(&first) {
            let fresh = Converter::builtin("s2twp").unwrap().convert(t).into_owned();
            assert_eq!(warm.convert(t), fresh.as_str());
            assert_eq!(before, &fresh);
        }
    }

    #[test]
    fn safe_cut_never_splits_a_match() {
        let c = Converter::new("s2twp").unwrap();
        let text = "我们在计算机上用鼠标。\n然后又用软件，再用一次鼠标";
        let cut = c.safe_cut(text).unwrap();
        let whole = c.convert(text);
        let parts = format!("{}{}", c.convert(&text[..cut]), c.convert(&text[cut..]));
        assert_eq!(whole, parts);
        assert!(cut > text.find('\n').unwrap());
    }
}
