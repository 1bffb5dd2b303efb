/*!
Module-level functions: `convert(text, config)` (OpenCC-exact conversion,
as `zhtidy convert --config`) and `detect(data)` (as `zhtidy detect`).

Converters for bundled configs are built once and kept for the life of
the process; a config given as a file path is read on every call.
*/

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use pyo3::prelude::*;
use pyo3::types::PyString;
use zhtidy::convert::{Converter, Error as ConvertError};
use zhtidy::decode::{decode, DecodeOptions, Outcome};

use crate::errors;
use crate::results::{confidence, Detection};

fn converter(config: &str) -> Result<Converter, ConvertError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Converter>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(config) {
        return Ok(c.clone());
    }
    match Converter::builtin(config) {
        Ok(c) => {
            cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(config.to_string(), c.clone());
            Ok(c)
        }
        Err(ConvertError::UnknownConfig { .. }) => Converter::new(config),
        Err(e) => Err(e),
    }
}

/// Converts `text` with an OpenCC config (`s2t`, `s2twp`, `t2s`, … or the
/// path of an OpenCC JSON config), exactly as OpenCC 1.4.2 does.
#[pyfunction]
#[pyo3(signature = (text, config="s2t"))]
pub fn convert<'py>(text: Bound<'py, PyString>, config: &str) -> PyResult<Bound<'py, PyString>> {
    let py = text.py();
    let s = text.to_str()?;
    let out = py.detach(|| {
        converter(config).map(|c| match c.convert(s) {
            std::borrow::Cow::Borrowed(_) => None,
            std::borrow::Cow::Owned(o) => Some(o),
        })
    });
    Ok(match out.map_err(errors::config)? {
        None => text,
        Some(o) => PyString::new(py, &o),
    })
}

/// Detects the encoding of `data` as `zhtidy detect` does (malformed
/// bytes are counted, not fatal).
#[pyfunction]
pub fn detect(py: Python<'_>, data: &[u8]) -> PyResult<Detection> {
    let opts = DecodeOptions {
        lossy: true,
        ..Default::default()
    };
    match py.detach(|| decode(data, &opts)) {
        Ok(Outcome::Text(d)) => Ok(Detection {
            encoding: d.encoding.name(),
            confidence: Some(confidence(d.confidence)),
            bom: d.bom,
            mojibake: d.mojibake.map(|m| m.kind()),
            replacements: d.replacements,
            binary: None,
        }),
        Ok(Outcome::Binary(reason)) => Ok(Detection {
            encoding: "binary",
            confidence: None,
            bom: false,
            mojibake: None,
            replacements: 0,
            binary: Some(reason.to_string()),
        }),
        Err(e) => Err(errors::decode(None, &e)),
    }
}
