/*!
Cleaned texts on their way to Python `str` objects.

Creating a `str` needs the GIL, so in `clean_many` it is the serial part of
a batch: decoding UTF-8 into CPython's fixed-width storage took about 20 ms
of a 5,000-document batch that the workers cleaned in 300 ms. From UTF-32
code units (`PyUnicode_FromWideChar` where `wchar_t` is 32-bit, as on Linux
and macOS) CPython only finds the widest character and copies: about 7 ms.
The workers widen each text while they hold it, in parallel; ASCII texts,
which CPython copies from UTF-8 directly, stay UTF-8.
*/

use libc::wchar_t;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// `wchar_t` holds a whole code point (UTF-32): Linux, macOS. On Windows it
/// is UTF-16 and texts stay UTF-8.
const WIDE_IS_UTF32: bool = std::mem::size_of::<wchar_t>() == 4;

/// A cleaned text, in the form that becomes a `str` fastest.
pub(crate) enum TextOut {
    Utf8(String),
    Utf32(Vec<wchar_t>),
}

impl TextOut {
    /// Prepares `text` (in a worker thread, without the GIL).
    pub(crate) fn new(text: String) -> Self {
        if WIDE_IS_UTF32 && !text.is_ascii() {
            // Lossless: `wchar_t` is 32-bit here and a code point is at
            // most U+10FFFF.
            TextOut::Utf32(text.chars().map(|c| c as u32 as wchar_t).collect())
        } else {
            TextOut::Utf8(text)
        }
    }

    /// The `str` (with the GIL).
    pub(crate) fn into_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        match self {
            TextOut::Utf8(s) => Ok(PyString::new(py, &s).into_any()),
            TextOut::Utf32(units) => {
                let len = ffi::Py_ssize_t::try_from(units.len())
                    .map_err(|e| pyo3::exceptions::PyOverflowError::new_err(e.to_string()))?;
                // SAFETY: `units` holds `len` valid code points as 32-bit
                // `wchar_t` (see `new`) and outlives the call, which copies
                // them; the result is a new reference or NULL with an
                // exception set, which `from_owned_ptr_or_err` turns into
                // an error.
                unsafe {
                    Bound::from_owned_ptr_or_err(
                        py,
                        ffi::PyUnicode_FromWideChar(units.as_ptr(), len),
                    )
                }
            }
        }
    }
}
