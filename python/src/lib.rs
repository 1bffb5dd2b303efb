/*!
The `zhtidy._zhtidy` extension module: zhtidy's pipeline for Python.

The Python package `zhtidy` (python/python/zhtidy/) re-exports what is
registered here and adds the type stubs. Each piece lives in its own file:

- [`pipeline`]: `Pipeline` (`clean`, `clean_bytes`, `run`, `clean_many`);
- [`results`]: the objects results come back as (`Result`, `Removal`,
  `FixChange`, `FixNote`, `StripRefusal`, `Detection`);
- [`functions`]: `convert` and `detect`;
- [`dedup`]: `MinHasher` and `minhash`, the signatures `zhtidy dedup`
  compares;
- [`errors`]: the exceptions, whose messages are the command line's;
- [`text_out`]: cleaned texts made into `str` objects cheaply.

Every call that does work releases the GIL (`Python::detach`), and
`clean_many` spreads a batch over rayon's threads.
*/

mod dedup;
mod errors;
mod functions;
mod pipeline;
mod results;
mod text_out;

use pyo3::prelude::*;

#[pymodule]
fn _zhtidy(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ZhtidyError", py.get_type::<errors::ZhtidyError>())?;
    m.add("ConfigError", py.get_type::<errors::ConfigError>())?;
    m.add("DecodeError", py.get_type::<errors::DecodeError>())?;
    m.add(
        "BinaryInputError",
        py.get_type::<errors::BinaryInputError>(),
    )?;
    m.add_class::<pipeline::Pipeline>()?;
    m.add_class::<results::Result>()?;
    m.add_class::<results::Removal>()?;
    m.add_class::<results::FixChange>()?;
    m.add_class::<results::FixNote>()?;
    m.add_class::<results::StripRefusal>()?;
    m.add_class::<results::Detection>()?;
    m.add_function(wrap_pyfunction!(functions::convert, m)?)?;
    m.add_function(wrap_pyfunction!(functions::detect, m)?)?;
    m.add_class::<dedup::MinHasher>()?;
    m.add_function(wrap_pyfunction!(dedup::minhash, m)?)?;
    Ok(())
}
