/*!
The exceptions the module raises, and the messages they carry.

Messages are the command line's, word for word, without its
`zhtidy: error: ` prefix: a decode error on bytes named `<stdin>` reads
as `zhtidy` prints it for standard input. All of them derive from
`ZhtidyError`, a `ValueError`.
*/

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::PyErr;
use zhtidy::decode::{BinaryReason, DecodeError as LibDecodeError};

create_exception!(
    zhtidy,
    ZhtidyError,
    PyValueError,
    "Base class of zhtidy's errors (a ValueError)."
);
create_exception!(
    zhtidy,
    ConfigError,
    ZhtidyError,
    "A pipeline or converter that cannot be built: unknown target, config, rule id, unreadable rule file, bad share."
);
create_exception!(
    zhtidy,
    DecodeError,
    ZhtidyError,
    "Bytes that no encoding (or not the forced one) decodes without loss."
);
create_exception!(
    zhtidy,
    BinaryInputError,
    ZhtidyError,
    "Bytes that look binary (NUL bytes, control characters); not cleaned."
);

/// `NAME: ` when the caller named the input, else nothing.
fn prefix(name: Option<&str>) -> String {
    name.map(|n| format!("{n}: ")).unwrap_or_default()
}

/// An error and its sources joined by `: `, as the command line prints
/// them (anyhow's `{:#}`).
fn chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// A configuration problem, with the command line's message.
pub fn config(err: impl std::error::Error) -> PyErr {
    ConfigError::new_err(chain(&err))
}

/// Bytes that do not decode, as the CLI words it (`NAME: not valid …`).
pub fn decode(name: Option<&str>, err: &LibDecodeError) -> PyErr {
    DecodeError::new_err(format!("{}{err}", prefix(name)))
}

/// Binary input, as the CLI words it.
pub fn binary(name: Option<&str>, reason: &BinaryReason) -> PyErr {
    BinaryInputError::new_err(format!(
        "{}looks binary ({reason}); not cleaned",
        prefix(name)
    ))
}

/// An encoding name nothing knows (`unknown encoding "x"`, as the CLI).
pub fn unknown_encoding(name: &str) -> PyErr {
    ConfigError::new_err(format!("unknown encoding {name:?}"))
}
