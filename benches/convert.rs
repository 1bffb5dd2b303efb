/*!
In-process micro benchmark of the conversion engine (`cargo bench --bench
convert`), std::time only.

`scripts/bench-convert` measures whole processes; this splits the same work
into its parts: building a [`Converter`] (dictionary loading, what start-up
pays) and converting a large text in memory, no I/O, both as one string
(`Converter::convert`) and in blocks (`convert_stream` from a byte slice
into a `Vec`, what the command line does). It reuses
the inputs and the upstream OpenCC outputs that the script leaves in
`target/bench-convert/` (listed in `latest.tsv`), so run the script once
first. Every conversion is checked against OpenCC's output byte for byte
before it counts: a wrong engine never gets a number.

Set `ZHTIDY_BENCH_RUNS` to change the number of timed runs (default 3, the
best of each is reported). `cargo test --all-targets` also builds and starts
this target, without `--bench`: it then only says so and exits, because the
inputs are made by the script, not by the test suite.
*/

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use zhtidy::convert::stream::convert_stream;
use zhtidy::convert::Converter;

const MB: f64 = 1_000_000.0;

fn main() -> Result<(), Box<dyn Error>> {
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "benches/convert.rs: not run under `cargo test`; use `cargo bench --bench convert`"
        );
        return Ok(());
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-convert");
    let manifest = dir.join("latest.tsv");
    let list = fs::read_to_string(&manifest).map_err(|e| {
        format!(
            "{}: {e}; run scripts/bench-convert first, it writes the inputs and OpenCC's outputs",
            manifest.display()
        )
    })?;
    let runs: usize = match std::env::var("ZHTIDY_BENCH_RUNS") {
        Ok(v) => v
            .parse()
            .map_err(|_| format!("ZHTIDY_BENCH_RUNS={v:?} is not a count"))?,
        Err(_) => 3,
    };
    if runs == 0 {
        return Err("ZHTIDY_BENCH_RUNS must be at least 1".into());
    }

    println!("| config | input MB | Converter::new ms | convert MB/s | convert_stream MB/s |");
    println!("|---|---:|---:|---:|---:|");
    let mut rows = 0;
    for line in list.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [config, input, expected] = fields[..] else {
            return Err(format!("{}: malformed line {line:?}", manifest.display()).into());
        };
        let input = read(&dir.join(input))?;
        let expected = read(&dir.join(expected))?;

        let start = Instant::now();
        let converter = Converter::new(config)?;
        let build = start.elapsed();

        let (mut whole, mut streamed) = (Duration::MAX, Duration::MAX);
        for run in 0..runs {
            let start = Instant::now();
            let output = converter.convert(&input);
            whole = whole.min(start.elapsed());
            if run == 0 {
                check(config, "convert", output.as_bytes(), expected.as_bytes())?;
            }
            drop(output);

            let mut output = Vec::with_capacity(expected.len());
            let start = Instant::now();
            convert_stream(&converter, input.as_bytes(), &mut output)?;
            streamed = streamed.min(start.elapsed());
            if run == 0 {
                check(config, "convert_stream", &output, expected.as_bytes())?;
            }
        }
        let mb = input.len() as f64 / MB;
        println!(
            "| {config} | {mb:.2} | {:.2} | {:.1} | {:.1} |",
            build.as_secs_f64() * 1e3,
            mb / whole.as_secs_f64(),
            mb / streamed.as_secs_f64()
        );
        rows += 1;
    }
    println!(
        "(dictionaries shared between configs are loaded once per process, \
         so a later row's Converter::new can be cheaper than a fresh start)"
    );
    if rows == 0 {
        return Err(format!("{} lists no benchmark", manifest.display()).into());
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, Box<dyn Error>> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()).into())
}

/// Fails unless `got` is OpenCC's output: a wrong engine gets no number.
fn check(config: &str, what: &str, got: &[u8], expected: &[u8]) -> Result<(), Box<dyn Error>> {
    if got == expected {
        return Ok(());
    }
    let at = got
        .iter()
        .zip(expected)
        .position(|(x, y)| x != y)
        .unwrap_or(got.len().min(expected.len()));
    Err(format!(
        "{config}: {what} output differs from OpenCC's at byte {at} (sizes {} vs {})",
        got.len(),
        expected.len()
    )
    .into())
}
