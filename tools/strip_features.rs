//! Prints, for each file named, the cues the strip stage's line model
//! reads on each line it looks at: one JSON object per file,
//! `{"file": …, "rows": [{"line": n, "features": […], "ruled": bool}]}`.
//! `scripts/train-strip-model` learns the model's weights from them.
//!
//! Usage: `cargo run --example strip_features -- FILE...`

use std::io::Write;

use zhtidy::strip::{StripOptions, Stripper};

fn main() {
    let stripper = Stripper::new(&StripOptions::default()).expect("shipped rules");
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in std::env::args().skip(1) {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("strip_features: {path}: {e}");
                std::process::exit(1);
            }
        };
        let rows = stripper.model_rows(&text);
        let record = serde_json::json!({ "file": path, "rows": rows });
        writeln!(out, "{record}").expect("stdout");
    }
}
