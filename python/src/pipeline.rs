/*!
`zhtidy.Pipeline`: the command line's default command, built once and
reused.

Its keyword arguments are the command line's options (`to="tw"` is
`--to tw`, `strip=False` is `--no-strip`, …) and are checked when it is
built. Every method releases the GIL while it works; `clean_many` runs a
batch on rayon's threads (or a pool of `threads` threads) and returns the
results in input order.
*/

use std::borrow::Cow;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use rayon::prelude::*;
use zhtidy::decode::{decode, encoding_for_name, DecodeOptions, Outcome};
use zhtidy::fix::FixOptions;
use zhtidy::pipeline::{Pipeline as LibPipeline, Source, Target};
use zhtidy::strip::StripOptions;

use crate::errors;
use crate::results::Result as PyResultObj;
use crate::text_out::TextOut;

fn target(name: &str) -> PyResult<Target> {
    name.parse()
        .map_err(|e: zhtidy::pipeline::UnknownName| errors::ConfigError::new_err(e.to_string()))
}

fn source(name: &str) -> PyResult<Source> {
    name.parse()
        .map_err(|e: zhtidy::pipeline::UnknownName| errors::ConfigError::new_err(e.to_string()))
}

/// The strip stage's options (`None`: strip is off); the options that
/// configure strip are an error when it is off.
fn strip_options(
    strip: bool,
    disable: Vec<String>,
    enable: Vec<String>,
    rule_files: Vec<PathBuf>,
    max_removed_share: f64,
) -> PyResult<Option<StripOptions>> {
    if strip {
        return Ok(Some(StripOptions {
            disable,
            enable,
            rule_files,
            max_removed_share,
            no_builtin_rules: false,
        }));
    }
    if !disable.is_empty() || !enable.is_empty() || !rule_files.is_empty() {
        return Err(errors::ConfigError::new_err(
            "disable, enable and strip_rules configure strip, which strip=False turns off",
        ));
    }
    Ok(None)
}

/// What to convert to and from (`None`: no conversion); `source` without
/// `to` is an error.
fn conversion(
    to: Option<&str>,
    source: Option<&str>,
) -> PyResult<Option<(Target, Option<Source>)>> {
    match (to, source) {
        (Some(t), s) => Ok(Some((target(t)?, s.map(self::source).transpose()?))),
        (None, Some(_)) => Err(errors::ConfigError::new_err(
            "source says what to convert from; it needs `to`",
        )),
        (None, None) => Ok(None),
    }
}

/// `Pipeline(to=None, strip=True, …)`: the constructor call that makes the
/// same pipeline, as Python would write it.
fn repr_of(kwargs: &[(&str, Arg)]) -> String {
    let args: Vec<String> = kwargs
        .iter()
        .map(|(name, value)| format!("{name}={}", value.py_repr()))
        .collect();
    format!("Pipeline({})", args.join(", "))
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// The cleaning pipeline: decode → strip → fix → convert.
#[pyclass(frozen, module = "zhtidy")]
pub struct Pipeline {
    inner: LibPipeline,
    decode: DecodeOptions,
    repr: String,
    /// The constructor's keyword arguments, for pickling (Spark and Dask
    /// ship a pipeline to their workers that way).
    kwargs: Vec<(&'static str, Arg)>,
}

/// One constructor argument, kept for `__getnewargs_ex__`.
#[derive(Clone, IntoPyObject)]
enum Arg {
    Str(Option<String>),
    Bool(bool),
    List(Vec<String>),
    Paths(Vec<PathBuf>),
    Float(f64),
}

impl Arg {
    /// The value as Python's `repr` writes it.
    fn py_repr(&self) -> String {
        match self {
            Arg::Str(None) => "None".to_string(),
            Arg::Str(Some(s)) => format!("{s:?}"),
            Arg::Bool(b) => py_bool(*b).to_string(),
            Arg::List(items) => format!("{items:?}"),
            Arg::Paths(paths) => format!("{paths:?}"),
            Arg::Float(f) => f.to_string(),
        }
    }
}

impl Pipeline {
    /// Decodes `data` as the command line does, naming it `name` in errors.
    fn decode(&self, data: &[u8], name: Option<&str>) -> PyResult<zhtidy::decode::Decoded> {
        match decode(data, &self.decode) {
            Ok(Outcome::Text(d)) => Ok(d),
            Ok(Outcome::Binary(reason)) => Err(errors::binary(name, &reason)),
            Err(e) => Err(errors::decode(name, &e)),
        }
    }
}

#[pymethods]
impl Pipeline {
    #[new]
    #[pyo3(signature = (
        to=None, *, source=None, strip=true, fix=true, disable=Vec::new(), enable=Vec::new(),
        strip_rules=Vec::new(), max_removed_share=0.5, encoding=None, lossy=false,
        fix_mojibake=false
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        to: Option<&str>,
        source: Option<&str>,
        strip: bool,
        fix: bool,
        disable: Vec<String>,
        enable: Vec<String>,
        strip_rules: Vec<PathBuf>,
        max_removed_share: f64,
        encoding: Option<&str>,
        lossy: bool,
        fix_mojibake: bool,
    ) -> PyResult<Self> {
        let kwargs = vec![
            ("to", Arg::Str(to.map(str::to_string))),
            ("source", Arg::Str(source.map(str::to_string))),
            ("strip", Arg::Bool(strip)),
            ("fix", Arg::Bool(fix)),
            ("disable", Arg::List(disable.clone())),
            ("enable", Arg::List(enable.clone())),
            ("strip_rules", Arg::Paths(strip_rules.clone())),
            ("max_removed_share", Arg::Float(max_removed_share)),
            ("encoding", Arg::Str(encoding.map(str::to_string))),
            ("lossy", Arg::Bool(lossy)),
            ("fix_mojibake", Arg::Bool(fix_mojibake)),
        ];
        let mut builder = LibPipeline::builder();
        if let Some(options) =
            strip_options(strip, disable, enable, strip_rules, max_removed_share)?
        {
            builder = builder.strip(options);
        }
        if fix {
            builder = builder.fix(FixOptions::default());
        }
        if let Some((to, source)) = conversion(to, source)? {
            builder = builder.convert(to, source);
        }
        let forced = encoding
            .map(|n| encoding_for_name(n).ok_or_else(|| errors::unknown_encoding(n)))
            .transpose()?;
        let inner = builder.build().map_err(errors::config)?;
        // A Python pipeline is built once and cleans many documents: pay
        // the one-time set-up here rather than in the first call.
        py.detach(|| inner.prepare());
        Ok(Pipeline {
            inner,
            decode: DecodeOptions {
                encoding: forced,
                lossy,
                fix_mojibake,
            },
            repr: repr_of(&kwargs),
            kwargs,
        })
    }

    fn __repr__(&self) -> &str {
        &self.repr
    }

    /// Pickling: the pipeline is rebuilt from its arguments.
    fn __getnewargs_ex__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyTuple>, Bound<'py, PyDict>)> {
        let kwargs = PyDict::new(py);
        for (k, v) in &self.kwargs {
            kwargs.set_item(k, v.clone())?;
        }
        Ok((PyTuple::empty(py), kwargs))
    }

    /// Cleans `text` and returns the cleaned text (the same object when
    /// nothing changed).
    fn clean<'py>(&self, text: Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
        let py = text.py();
        let s = text.to_str()?;
        let out = py.detach(|| match self.inner.run(s).text {
            Cow::Borrowed(_) => None,
            Cow::Owned(o) => Some(o),
        });
        Ok(match out {
            None => text,
            Some(o) => PyString::new(py, &o),
        })
    }

    /// Cleans `text` and returns a `Result` with what each stage did.
    fn run(&self, py: Python<'_>, text: &str) -> PyResultObj {
        py.detach(|| PyResultObj::new(text, None, &self.inner.run(text)))
    }

    /// Decodes `data` (detecting its encoding unless the pipeline forces
    /// one), cleans it and returns a `Result`. `name` prefixes error
    /// messages, as a file name does on the command line.
    #[pyo3(signature = (data, name=None))]
    fn clean_bytes(
        &self,
        py: Python<'_>,
        data: &[u8],
        name: Option<&str>,
    ) -> PyResult<PyResultObj> {
        py.detach(|| {
            let decoded = self.decode(data, name)?;
            let tidied = self.inner.run(&decoded.text);
            Ok(PyResultObj::new(&decoded.text, Some(&decoded), &tidied))
        })
    }

    /// Cleans every text in `texts` in parallel and returns the cleaned
    /// texts in the same order (`None` stays `None`, as a null in a
    /// DataFrame column). `threads` sets the number of worker threads
    /// (default: rayon's, i.e. `RAYON_NUM_THREADS` or the cores).
    #[pyo3(signature = (texts, threads=None))]
    fn clean_many<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<Option<PyBackedStr>>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let work = || -> Vec<Option<TextOut>> {
            texts
                .par_iter()
                .map(|t| match self.inner.run(t.as_deref()?).text {
                    Cow::Borrowed(_) => None,
                    Cow::Owned(o) => Some(TextOut::new(o)),
                })
                .collect()
        };
        let cleaned = py.detach(|| match threads {
            None => Ok(work()),
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map(|pool| pool.install(work))
                .map_err(|e| e.to_string()),
        });
        let cleaned = cleaned.map_err(pyo3::exceptions::PyRuntimeError::new_err)?;
        let items = cleaned
            .into_iter()
            .zip(&texts)
            .map(|(c, original)| -> PyResult<Bound<'py, PyAny>> {
                Ok(match (c, original) {
                    (Some(o), _) => o.into_py(py)?,
                    (None, Some(s)) => s.into_pyobject(py)?.into_any(),
                    (None, None) => py.None().into_bound(py),
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }
}
