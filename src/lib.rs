/*!
zhtidy turns scraped Chinese articles into clean text.

It is a staged pipeline, one module per stage, each usable and testable on
its own:

1. [`decode`]: detect the encoding of raw bytes and decode them;
2. [`strip`]: remove reposting boilerplate and disclaimers, recording each
   removal;
3. [`fix`]: repair stray glyphs of the other script and variant forms;
4. [`convert`]: Traditional ⇄ Simplified and regional variants, exactly as
   OpenCC 1.4.2 does, with its dictionaries compiled in;
5. [`write`]: write text back without ever losing any (atomic replacement).

Beside the stages, [`dedup`] finds the same article reposted across a
corpus (in either script) by MinHash over script-folded shingles, and
[`edge_lines`] learns the lines a site repeats around its articles.

[`pipeline::Pipeline`] runs strip → fix → convert in that order, built once
and shared; it is what the `zhtidy` command runs by default.

```
let s2t = zhtidy::convert::Converter::new("s2t").unwrap();
assert_eq!(s2t.convert("简体字"), "簡體字");
```

The library never prints and never exits; the `zhtidy` binary is a thin
layer over it.
*/
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]

pub mod budget;
pub mod config_file;
pub mod convert;
pub mod decode;
pub mod dedup;
pub mod edge_lines;
pub mod fix;
pub mod pipeline;
pub mod strip;
pub mod write;

#[cfg(test)]
mod test_text;
