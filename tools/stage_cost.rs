/*!
Runs one pipeline stage over a set of files, for profiling: `cargo run
--release --example stage_cost -- STAGE FILE...` with STAGE one of
`decode`, `strip`, `fix`, `convert`, `pipeline` (strip + fix, the command
line's default) or `pipeline-tw` (strip + fix + convert to Taiwan).

The files are read and decoded before the stage runs (except for
`decode`, which is the stage), and every stage's one-time work is done
first (`Pipeline::prepare` and a one-line document), so a profile of this program (e.g. callgrind's
instruction count, minus a run with no files) is the cost of the stage on
the data. `scripts/profile-stages` drives it. Prints the bytes processed
and the bytes the stage changed, so two builds can be checked to agree.
*/

use std::error::Error;
use std::time::Instant;

use zhtidy::decode::{decode, DecodeOptions, Outcome};
use zhtidy::fix::FixOptions;
use zhtidy::pipeline::{Pipeline, Target};
use zhtidy::strip::StripOptions;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let stage = args.next().ok_or("usage: stage_cost STAGE FILE...")?;
    let files: Vec<String> = args.collect();
    let opts = DecodeOptions::default();
    let raw: Vec<Vec<u8>> = files.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    let text_of = |bytes: &[u8]| -> Result<String, Box<dyn Error>> {
        match decode(bytes, &opts)? {
            Outcome::Text(d) => Ok(d.text),
            Outcome::Binary(r) => Err(format!("binary input: {r}").into()),
        }
    };
    let warm = "展开全文\n這是一段正文，离开了。\n";
    let bytes: usize = raw.iter().map(Vec::len).sum();
    let started;
    // Bytes of output that differ in length from the input: a cheap
    // checksum of what the stage did.
    let mut out_bytes = 0usize;
    match stage.as_str() {
        "decode" => {
            text_of(warm.as_bytes())?;
            started = Instant::now();
            for b in &raw {
                out_bytes += text_of(b)?.len();
            }
        }
        "strip" | "fix" | "convert" | "pipeline" | "pipeline-tw" => {
            let texts: Vec<String> = raw.iter().map(|b| text_of(b)).collect::<Result<_, _>>()?;
            let mut builder = Pipeline::builder();
            if stage != "convert" && stage != "fix" {
                builder = builder.strip(StripOptions::default());
            }
            if stage != "convert" && stage != "strip" {
                builder = builder.fix(FixOptions::default());
            }
            if stage == "convert" || stage == "pipeline-tw" {
                builder = builder.convert(Target::Tw, None);
            }
            let pipeline = builder.build()?;
            pipeline.prepare();
            pipeline.run(warm);
            started = Instant::now();
            for t in &texts {
                out_bytes += pipeline.run(t).text.len();
            }
        }
        _ => return Err(format!("unknown stage {stage:?}").into()),
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{stage}: {} files, {bytes} bytes in, {out_bytes} bytes out, {secs:.3} s, {:.2} MB/s",
        raw.len(),
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    Ok(())
}
