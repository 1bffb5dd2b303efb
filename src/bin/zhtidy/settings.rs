/*!
Configuration files and the settings each file is cleaned with.

A file's settings come from, in order (later wins): the defaults, the
closest configuration file above it (`zhtidy.toml`, `.zhtidy.toml`, or
`[tool.zhtidy]` in `pyproject.toml`; no merging between files, as in
ruff), that file's `[[overrides]]` whose `paths` globs match the file
(relative to the configuration's folder), then the command line.
`--config FILE` uses one file for everything, `--isolated` none.

The files are strict: an unknown key is an error naming the file and the
key, and so is a value out of range (`to = "xx"`), before any file is
cleaned. The settings a file gets decide its [`Pipeline`]; pipelines are
built once per distinct setting and shared.
*/

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::corpus::EDGE_RULE;
use anyhow::{anyhow, bail, Context, Result};
use clap::ValueEnum;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use zhtidy::config_file::{read_config_file, toml_error_summary, truncate, SETTINGS_LIMIT};
use zhtidy::fix::{FixOptions, Rule, VariantTarget};
use zhtidy::pipeline::{Pipeline, Source, Target};
use zhtidy::strip::StripOptions;

use crate::args::{SourceArg, TargetArg, TidyArgs, VariantsArg};

/// Files walked in folders unless `include` says otherwise.
pub const DEFAULT_INCLUDE: &[&str] = &["*.txt", "*.text", "*.md", "*.markdown"];

/// Paths never walked unless `exclude` says otherwise (ruff's list, cut
/// to what a repository of documents holds).
pub const DEFAULT_EXCLUDE: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".jj",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    "__pycache__",
    "__pypackages__",
    "node_modules",
    "target",
    "_build",
    "build",
    "dist",
    "site-packages",
];

/// Names of configuration files, in the order they are looked for in a
/// folder.
const CONFIG_NAMES: [&str; 3] = ["zhtidy.toml", ".zhtidy.toml", "pyproject.toml"];

/// Declares the configuration file's structs from one table of the keys
/// that set the stages, which are allowed both at the top level and in an
/// `[[overrides]]` entry. `serde(flatten)` would say it without a macro,
/// but it cannot be combined with `deny_unknown_fields`, and the files
/// must be strict.
macro_rules! stage_keys {
    ($($(#[$doc:meta])* $key:ident: $ty:ty,)*) => {
        /// The keys that set the stages, as written in a file or an
        /// override.
        #[derive(Debug, Clone, Default)]
        pub struct StageKeys {
            $($(#[$doc])* $key: Option<$ty>,)*
        }

        /// A configuration file as written.
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "kebab-case")]
        struct ConfigFile {
            $($key: Option<$ty>,)*
            include: Option<Vec<String>>,
            exclude: Option<Vec<String>>,
            extend_exclude: Option<Vec<String>>,
            #[serde(default)]
            overrides: Vec<Override>,
        }

        /// One `[[overrides]]` entry: stage keys for the files `paths`
        /// match.
        #[derive(Debug, Clone, Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "kebab-case")]
        struct Override {
            paths: Vec<String>,
            $($key: Option<$ty>,)*
        }

        impl ConfigFile {
            fn stages(&self) -> StageKeys {
                StageKeys { $($key: self.$key.clone(),)* }
            }
        }

        impl Override {
            fn stages(&self) -> StageKeys {
                StageKeys { $($key: self.$key.clone(),)* }
            }
        }
    };
}

stage_keys! {
    /// Whether boilerplate is stripped.
    strip: bool,
    /// Whether stray glyphs are fixed.
    fix: bool,
    /// The conversion target (none: no conversion).
    to: String,
    /// The conversion source (none: detected).
    from: String,
    /// Regional standard forms for the fix stage.
    variants: String,
    /// Rule ids or groups turned off.
    disable: Vec<String>,
    /// Opt-in rule ids turned on.
    enable: Vec<String>,
    /// Terms the fix stage never changes.
    protect: Vec<String>,
    /// Files of strip rules of the user's own, relative to the file.
    strip_rules: Vec<PathBuf>,
    /// The largest share of a document strip may remove.
    max_removed_share: f64,
    /// Whether the run learns repeated edge lines from the files this
    /// covers, and removes them.
    learn_boilerplate: bool,
    /// The documents a line must stand at the edge of to go.
    boilerplate_min_docs: u32,
}

/// A configuration file read and checked.
#[derive(Debug)]
pub struct Loaded {
    /// Where it is.
    pub path: PathBuf,
    dir: PathBuf,
    file: ConfigFile,
    overrides: Vec<(GlobSet, StageKeys)>,
}

/// What one file is cleaned with.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Settings {
    pub strip: bool,
    pub fix: bool,
    pub to: Option<String>,
    pub from: Option<String>,
    pub variants: Option<String>,
    pub disable: Vec<String>,
    pub enable: Vec<String>,
    pub protect: Vec<String>,
    pub strip_rules: Vec<PathBuf>,
    pub max_removed_share: f64,
    pub learn_boilerplate: bool,
    pub boilerplate_min_docs: u32,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            strip: true,
            fix: true,
            to: None,
            from: None,
            variants: None,
            disable: Vec::new(),
            enable: Vec::new(),
            protect: Vec::new(),
            strip_rules: Vec::new(),
            max_removed_share: 0.5,
            learn_boilerplate: false,
            boilerplate_min_docs: zhtidy::edge_lines::DEFAULT_MIN_DOCS,
            include: DEFAULT_INCLUDE.iter().map(|s| s.to_string()).collect(),
            exclude: DEFAULT_EXCLUDE.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl Settings {
    fn apply(&mut self, k: &StageKeys, base: &Path) {
        if let Some(v) = k.strip {
            self.strip = v;
        }
        if let Some(v) = k.fix {
            self.fix = v;
        }
        if let Some(v) = &k.to {
            self.to = Some(v.clone());
        }
        if let Some(v) = &k.from {
            self.from = Some(v.clone());
        }
        if let Some(v) = &k.variants {
            self.variants = Some(v.clone());
        }
        if let Some(v) = &k.disable {
            self.disable.extend(v.iter().cloned());
        }
        if let Some(v) = &k.enable {
            self.enable.extend(v.iter().cloned());
        }
        if let Some(v) = &k.protect {
            self.protect.extend(v.iter().cloned());
        }
        if let Some(v) = &k.strip_rules {
            self.strip_rules.extend(v.iter().map(|p| base.join(p)));
        }
        if let Some(v) = k.max_removed_share {
            self.max_removed_share = v;
        }
        if let Some(v) = k.learn_boilerplate {
            self.learn_boilerplate = v;
        }
        if let Some(v) = k.boilerplate_min_docs {
            self.boilerplate_min_docs = v;
        }
    }

    /// The command line's flags, applied last.
    fn apply_cli(&mut self, a: &TidyArgs) {
        if a.no_strip {
            self.strip = false;
        }
        if a.no_fix {
            self.fix = false;
        }
        if let Some(t) = a.to {
            self.to = Some(value_name(t));
        }
        if let Some(f) = a.from {
            self.from = Some(value_name(f));
        }
        if let Some(v) = a.variants {
            self.variants = Some(value_name(v));
        }
        self.disable.extend(a.disable.iter().cloned());
        self.enable.extend(a.enable.iter().cloned());
        self.protect.extend(a.protect.iter().cloned());
        self.strip_rules.extend(a.strip_rules.iter().cloned());
        if let Some(s) = a.max_removed_share {
            self.max_removed_share = s;
        }
        if a.corpus.learn_boilerplate {
            self.learn_boilerplate = true;
        }
        if let Some(n) = a.corpus.boilerplate_min_docs {
            self.boilerplate_min_docs = n;
        }
        if !a.include.is_empty() {
            self.include = a.include.clone();
        }
        if !a.exclude.is_empty() {
            self.exclude = a.exclude.clone();
        }
        self.exclude.extend(a.extend_exclude.iter().cloned());
    }

    /// Whether a bulk or JSON Lines run learns and removes the lines
    /// repeated at the edges of its documents: `--learn-boilerplate` (or
    /// `--enable corpus-repeated-line`), unless `--disable` names that rule,
    /// as it can for every other rule.
    fn learns_edge_lines(&self) -> bool {
        let named = |names: &[String]| names.iter().any(|n| n == EDGE_RULE);
        (self.learn_boilerplate || named(&self.enable)) && !named(&self.disable)
    }

    /// The part of the settings that decides the pipeline, as a map key.
    fn pipeline_key(&self) -> String {
        format!(
            "{:?}",
            (
                self.strip,
                self.fix,
                &self.to,
                &self.from,
                &self.variants,
                &self.disable,
                &self.enable,
                &self.protect,
                &self.strip_rules,
                self.max_removed_share.to_bits()
            )
        )
    }

    /// Builds the pipeline these settings describe.
    pub fn build_pipeline(&self) -> Result<Pipeline> {
        let disable = crate::rules_cmd::resolve_names(&self.disable, &self.strip_rules)?;
        let enable = crate::rules_cmd::resolve_names(&self.enable, &self.strip_rules)?;
        // corpus-repeated-line is no rule of the pipeline: bulk and JSON
        // Lines runs apply it around it (see `Settings::learns_edge_lines`).
        let disable: Vec<String> = disable.into_iter().filter(|id| id != EDGE_RULE).collect();
        let enable: Vec<String> = enable.into_iter().filter(|id| id != EDGE_RULE).collect();
        let (fix_off, strip_off): (Vec<&String>, Vec<&String>) =
            disable.iter().partition(|id| id.parse::<Rule>().is_ok());
        let mut builder = Pipeline::builder();
        if self.strip {
            builder = builder.strip(StripOptions {
                disable: strip_off.into_iter().cloned().collect(),
                enable,
                rule_files: self.strip_rules.clone(),
                max_removed_share: self.max_removed_share,
                no_builtin_rules: false,
            });
        } else if !strip_off.is_empty() || !enable.is_empty() || !self.strip_rules.is_empty() {
            bail!("--disable, --enable and --strip-rules configure strip, which --no-strip (strip = false) turns off");
        }
        if self.fix {
            let mut fix = FixOptions::default().variants(match self.variants.as_deref() {
                None => None,
                Some(v) => Some(match parse_value::<VariantsArg>(v, "variants")? {
                    VariantsArg::Tw => VariantTarget::Tw,
                    VariantsArg::Hk => VariantTarget::Hk,
                    VariantsArg::Opencc => VariantTarget::Opencc,
                }),
            });
            for id in fix_off {
                fix = fix.disable(id.parse().map_err(|e| anyhow!("{e}"))?);
            }
            for term in &self.protect {
                fix = fix.protect(term.clone());
            }
            builder = builder.fix(fix);
        }
        if let Some(to) = &self.to {
            let from = match &self.from {
                Some(f) => Some(source(parse_value::<SourceArg>(f, "from")?)),
                None => None,
            };
            builder = builder.convert(target(parse_value::<TargetArg>(to, "to")?), from);
        } else if self.from.is_some() {
            bail!("`from` needs `to`");
        }
        Ok(builder.build()?)
    }
}

fn value_name<T: ValueEnum>(v: T) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}

fn parse_value<T: ValueEnum>(s: &str, key: &str) -> Result<T> {
    T::from_str(s, true).map_err(|_| {
        let known: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect();
        anyhow!(
            "`{key}` cannot be {s:?}; expected one of {}",
            known.join(", ")
        )
    })
}

pub fn target(t: TargetArg) -> Target {
    match t {
        TargetArg::S => Target::S,
        TargetArg::T => Target::T,
        TargetArg::Tw => Target::Tw,
        TargetArg::Twp => Target::Twp,
        TargetArg::Hk => Target::Hk,
        TargetArg::Hkp => Target::Hkp,
        TargetArg::Jp => Target::Jp,
    }
}

pub fn source(s: SourceArg) -> Source {
    match s {
        SourceArg::S => Source::S,
        SourceArg::T => Source::T,
        SourceArg::Tw => Source::Tw,
        SourceArg::Hk => Source::Hk,
        SourceArg::Jp => Source::Jp,
    }
}

/// A glob set over paths in the gitignore manner: a pattern without `/`
/// matches any component (a folder or file name); one with `/` matches
/// the end of the path.
pub fn path_globs(patterns: &[String]) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let p = p.trim_end_matches('/');
        let glob = if p.contains('/') {
            let p = p.trim_start_matches("./");
            if p.starts_with("**") || p.starts_with('/') {
                p.to_string()
            } else {
                format!("**/{p}")
            }
        } else {
            p.to_string()
        };
        b.add(
            Glob::new(&glob)
                .or_else(|_| Glob::new(&globset::escape(&glob)))
                .with_context(|| format!("bad glob {p:?}"))?,
        );
    }
    Ok(b.build()?)
}

/// Whether `path` (or, for name-only patterns, one of its components)
/// matches.
pub fn matches(set: &GlobSet, path: &Path) -> bool {
    if set.is_empty() {
        return false;
    }
    set.is_match(path)
        || path
            .components()
            .any(|c| set.is_match(Path::new(c.as_os_str())))
}

/// How configuration files are found.
enum ConfigSource {
    Discover,
    Fixed(Option<Arc<Loaded>>),
}

/// Finds the settings and the pipeline for each file, with caches: one
/// lookup per folder, one pipeline per distinct setting.
pub struct Resolver<'a> {
    args: &'a TidyArgs,
    source: ConfigSource,
    by_dir: HashMap<PathBuf, Option<Arc<Loaded>>>,
    pipelines: HashMap<String, Arc<Pipeline>>,
    selections: HashMap<String, Arc<(GlobSet, GlobSet)>>,
}

/// What a file is cleaned with, resolved.
pub struct Resolved {
    pub pipeline: Arc<Pipeline>,
    /// Include and exclude glob sets.
    pub selection: Arc<(GlobSet, GlobSet)>,
    /// With `learn-boilerplate`: the documents a line must stand at the
    /// edge of to go.
    pub edge_lines: Option<u32>,
}

impl<'a> Resolver<'a> {
    pub fn new(args: &'a TidyArgs) -> Result<Self> {
        let source = if args.isolated {
            ConfigSource::Fixed(None)
        } else if let Some(path) = &args.config {
            ConfigSource::Fixed(Some(Arc::new(load(path)?.ok_or_else(|| {
                anyhow!("{}: has no [tool.zhtidy] table", path.display())
            })?)))
        } else {
            ConfigSource::Discover
        };
        Ok(Resolver {
            args,
            source,
            by_dir: HashMap::new(),
            pipelines: HashMap::new(),
            selections: HashMap::new(),
        })
    }

    /// The configuration file that applies to `path` (a file or a folder
    /// to start from), if any.
    pub fn config_for(&mut self, path: &Path) -> Result<Option<Arc<Loaded>>> {
        match &self.source {
            ConfigSource::Fixed(c) => Ok(c.clone()),
            ConfigSource::Discover => {
                let abs = std::path::absolute(path)
                    .with_context(|| format!("{}: cannot resolve", path.display()))?;
                let dir = if abs.is_dir() {
                    abs
                } else {
                    abs.parent().map(Path::to_path_buf).unwrap_or(abs)
                };
                self.discover(&dir)
            }
        }
    }

    fn discover(&mut self, dir: &Path) -> Result<Option<Arc<Loaded>>> {
        if let Some(hit) = self.by_dir.get(dir) {
            return Ok(hit.clone());
        }
        let mut found = None;
        for name in CONFIG_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                if let Some(l) = load(&candidate)? {
                    found = Some(Arc::new(l));
                    break;
                }
            }
        }
        if found.is_none() {
            if let Some(parent) = dir.parent() {
                found = self.discover(parent)?;
            }
        }
        self.by_dir.insert(dir.to_path_buf(), found.clone());
        Ok(found)
    }

    /// The settings for `path`.
    pub fn settings_for(&mut self, path: &Path) -> Result<(Settings, Option<Arc<Loaded>>)> {
        let config = self.config_for(path)?;
        let mut s = Settings::default();
        if let Some(c) = &config {
            s.apply(&c.file.stages(), &c.dir);
            if let Some(i) = &c.file.include {
                s.include = i.clone();
            }
            if let Some(e) = &c.file.exclude {
                s.exclude = e.clone();
            }
            if let Some(e) = &c.file.extend_exclude {
                s.exclude.extend(e.iter().cloned());
            }
            let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
            if let Ok(rel) = abs.strip_prefix(&c.dir) {
                for (globs, keys) in &c.overrides {
                    if globs.is_match(rel) {
                        s.apply(keys, &c.dir);
                    }
                }
            }
        }
        s.apply_cli(self.args);
        Ok((s, config))
    }

    /// The pipeline and selection for `path`.
    pub fn resolve(&mut self, path: &Path) -> Result<Resolved> {
        let (settings, config) = self.settings_for(path)?;
        let where_ = |e: anyhow::Error| match &config {
            Some(c) => e.context(format!("settings from {}", c.path.display())),
            None => e,
        };
        let key = settings.pipeline_key();
        let pipeline = match self.pipelines.get(&key) {
            Some(p) => p.clone(),
            None => {
                let p = Arc::new(settings.build_pipeline().map_err(where_)?);
                self.pipelines.insert(key, p.clone());
                p
            }
        };
        let sel_key = format!("{:?}", (&settings.include, &settings.exclude));
        let selection = match self.selections.get(&sel_key) {
            Some(s) => s.clone(),
            None => {
                let s = Arc::new((
                    path_globs(&settings.include)?,
                    path_globs(&settings.exclude)?,
                ));
                self.selections.insert(sel_key, s.clone());
                s
            }
        };
        if settings.boilerplate_min_docs < 2 {
            return Err(where_(anyhow!(
                "boilerplate-min-docs must be at least 2, not {}: a line of one document repeats nothing",
                settings.boilerplate_min_docs
            )));
        }
        Ok(Resolved {
            pipeline,
            selection,
            edge_lines: settings
                .learns_edge_lines()
                .then_some(settings.boilerplate_min_docs),
        })
    }
}

/// Reads a configuration file; `None` for a `pyproject.toml` without a
/// `[tool.zhtidy]` table. Only a regular file within
/// [`SETTINGS_LIMIT`] is read, and an error names the line and column,
/// never the file's text (see [`zhtidy::config_file`]).
fn load(path: &Path) -> Result<Option<Loaded>> {
    let text = read_config_file(path, SETTINGS_LIMIT, "configuration file")
        .map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
    let not_valid = |e: toml::de::Error| {
        anyhow!(
            "{}: not a valid configuration file: {}",
            path.display(),
            toml_error_summary(&text, &e)
        )
    };
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let file: ConfigFile = if is_pyproject {
        let table: toml::Table = toml::from_str(&text).map_err(not_valid)?;
        match table.get("tool").and_then(|t| t.get("zhtidy")) {
            None => return Ok(None),
            Some(v) => v.clone().try_into().map_err(|e: toml::de::Error| {
                anyhow!(
                    "{}: [tool.zhtidy]: {}",
                    path.display(),
                    truncate(e.message().lines().next().unwrap_or(""))
                )
            })?,
        }
    } else {
        toml::from_str(&text).map_err(not_valid)?
    };
    let dir = std::path::absolute(path)?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let overrides =
        file.overrides
            .iter()
            .map(|o| {
                let mut b = GlobSetBuilder::new();
                for p in &o.paths {
                    b.add(Glob::new(p).map_err(|e| {
                        anyhow!("{}: overrides: bad glob {p:?}: {e}", path.display())
                    })?);
                }
                Ok((b.build()?, o.stages()))
            })
            .collect::<Result<Vec<_>>>()?;
    let loaded = Loaded {
        path: path.to_path_buf(),
        dir,
        file,
        overrides,
    };
    validate(&loaded).map_err(|e| anyhow!("{}: {e:#}", path.display()))?;
    Ok(Some(loaded))
}

/// Refuses a `strip-rules` entry that leads outside `dir`, the folder of
/// the configuration file naming it: a configuration file found in a tree
/// being cleaned must not make zhtidy read (and report on) any file of the
/// machine. Rule files elsewhere can be given with `--strip-rules`.
fn check_rules_inside(dir: &Path, rules: &Path) -> Result<()> {
    let joined = dir.join(rules);
    let spelled_inside = normalize(&joined).starts_with(normalize(dir));
    let inside = match (fs::canonicalize(dir), fs::canonicalize(&joined)) {
        (Ok(d), Ok(r)) => r.starts_with(d) && spelled_inside,
        // Missing: reading it fails later; its spelling must still stay
        // inside.
        _ => spelled_inside,
    };
    if !inside {
        bail!(
            "`strip-rules` {:?} is outside this file's folder; a rule file elsewhere can only be given on the command line (--strip-rules)",
            rules
        );
    }
    Ok(())
}

/// `path` with `.` and `..` resolved by spelling alone.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Checks the values a file sets, so that a typo fails before anything
/// is cleaned.
fn validate(l: &Loaded) -> Result<()> {
    let all = std::iter::once(l.file.stages()).chain(l.overrides.iter().map(|(_, k)| k.clone()));
    for k in all {
        for rules in k.strip_rules.iter().flatten() {
            check_rules_inside(&l.dir, rules)?;
        }
        if let Some(v) = &k.to {
            parse_value::<TargetArg>(v, "to")?;
        }
        if let Some(v) = &k.from {
            parse_value::<SourceArg>(v, "from")?;
        }
        if let Some(v) = &k.variants {
            parse_value::<VariantsArg>(v, "variants")?;
        }
        if let Some(s) = k.max_removed_share {
            if !(0.0..=1.0).contains(&s) {
                bail!("`max-removed-share` must be between 0 and 1, not {s}");
            }
        }
    }
    for p in l
        .file
        .include
        .iter()
        .chain(&l.file.exclude)
        .chain(&l.file.extend_exclude)
    {
        path_globs(p)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_patterns_match_any_component_and_slash_patterns_the_tail() {
        let set = path_globs(&["node_modules".into(), "docs/old/*.md".into()]).unwrap();
        assert!(matches(&set, Path::new("a/node_modules/x.txt")));
        assert!(matches(&set, Path::new("/r/docs/old/a.md")));
        assert!(!matches(&set, Path::new("/r/docs/new/a.md")));
        assert!(!matches(&set, Path::new("a/modules/x.txt")));
    }

    #[test]
    fn strip_rules_must_stay_in_the_configuration_folder() {
        let dir = std::env::temp_dir().join(format!("zhtidy-rulesdir-{}", std::process::id()));
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::write(dir.join("sub/r.toml"), "").unwrap();
        assert!(check_rules_inside(&dir, Path::new("sub/r.toml")).is_ok());
        assert!(check_rules_inside(&dir, Path::new("./sub/../sub/r.toml")).is_ok());
        assert!(check_rules_inside(&dir, Path::new("missing.toml")).is_ok());
        assert!(check_rules_inside(&dir.join("sub/.."), Path::new("sub/r.toml")).is_ok());
        for outside in ["../secret.txt", "sub/../../x", "/etc/passwd"] {
            let err = check_rules_inside(&dir, Path::new(outside)).unwrap_err();
            assert!(err.to_string().contains("--strip-rules"), "{err}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", dir.join("link")).unwrap();
            assert!(check_rules_inside(&dir, Path::new("link/passwd")).is_err());
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = toml::from_str::<ConfigFile>("strip = true\nstirp = false\n").unwrap_err();
        assert!(err.to_string().contains("stirp"), "{err}");
        let err = toml::from_str::<ConfigFile>("[[overrides]]\npaths = [\"a\"]\nfixx = true\n")
            .unwrap_err();
        assert!(err.to_string().contains("fixx"), "{err}");
    }
}
