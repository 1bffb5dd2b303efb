/*!
Converting inputs of any size in bounded memory.

The input is read in blocks; each time, the text is converted up to the last
cut that [`Converter::safe_cut`] proves harmless (after a character no
dictionary key contains, usually a newline or punctuation), and the rest is
kept for the next round. Output is therefore identical to converting the
whole input at once, while memory stays near a few blocks. A run of text
with no safe cut at all (unlikely: a megabyte of CJK without punctuation)
grows the buffer until one appears.
*/

use std::io::{self, Read, Write};

use super::{Converter, Error};

/// Read size: large enough to amortize per-call costs, small enough that a
/// few buffers stay far below the 64 MiB budget.
pub const BLOCK: usize = 1 << 20;

/// What a stream conversion did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamStats {
    /// Bytes read.
    pub bytes_in: u64,
    /// Bytes written.
    pub bytes_out: u64,
}

/// Where a streamed conversion failed.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// Reading failed.
    #[error("read error: {0}")]
    Read(#[source] io::Error),
    /// Writing failed (a closed pipe included: the caller decides).
    #[error("write error: {0}")]
    Write(#[source] io::Error),
    /// The input is not UTF-8.
    #[error(transparent)]
    Input(#[from] Error),
}

/// Converts everything `reader` yields, writing to `writer`.
pub fn convert_stream(
    converter: &Converter,
    reader: impl Read,
    writer: impl Write,
) -> Result<StreamStats, StreamError> {
    convert_stream_inspecting(converter, reader, writer, |_| {})
}

/// [`convert_stream`], showing `inspect` each piece of input text before
/// it is converted (in order, together the whole input): a caller can
/// look for trouble, such as mojibake, in a stream it never holds whole.
pub fn convert_stream_inspecting(
    converter: &Converter,
    mut reader: impl Read,
    mut writer: impl Write,
    mut inspect: impl FnMut(&str),
) -> Result<StreamStats, StreamError> {
    let mut stats = StreamStats::default();
    let mut pending: Vec<u8> = Vec::with_capacity(BLOCK * 2);
    // Absolute offset of pending[0] in the input.
    let mut base = 0u64;
    let mut out = String::with_capacity(BLOCK * 2);
    let mut eof = false;
    while !eof {
        // `read_to_end` on a `take` fills spare capacity without zeroing it
        // first, and retries short reads until the block is full or at EOF.
        let n = (&mut reader)
            .take(BLOCK as u64)
            .read_to_end(&mut pending)
            .map_err(StreamError::Read)?;
        stats.bytes_in += n as u64;
        eof = n == 0;

        // Validate once, up to the last complete character unless at the end
        // (a block boundary may split one).
        let end = if eof {
            pending.len()
        } else {
            char_boundary_before(&pending)
        };
        // The SIMD validator is fast on valid text; std's is used only to
        // find where invalid text goes wrong.
        let text = match simdutf8::basic::from_utf8(&pending[..end]) {
            Ok(text) => text,
            Err(_) => {
                let bad = std::str::from_utf8(&pending[..end])
                    .map_or_else(|e| e.valid_up_to(), |s| s.len());
                return Err(Error::InvalidUtf8 {
                    offset: base + bad as u64,
                }
                .into());
            }
        };
        let cut = if eof {
            text.len()
        } else {
            match converter.safe_cut(text) {
                Some(cut) => cut,
                None => continue,
            }
        };
        inspect(&text[..cut]);
        out.clear();
        converter.convert_into(&text[..cut], &mut out);
        writer
            .write_all(out.as_bytes())
            .map_err(StreamError::Write)?;
        stats.bytes_out += out.len() as u64;
        pending.drain(..cut);
        base += cut as u64;
    }
    writer.flush().map_err(StreamError::Write)?;
    Ok(stats)
}

/// The start of the last character of `bytes` if that character may be
/// incomplete; otherwise `bytes.len()`. Invalid bytes are left for the
/// validator to report.
fn char_boundary_before(bytes: &[u8]) -> usize {
    // Walk back over at most three continuation bytes to a lead byte.
    let mut i = bytes.len();
    while i > 0 && bytes.len() - i < 4 {
        i -= 1;
        let b = bytes[i];
        if b & 0xC0 != 0x80 {
            let need = match b {
                0x00..=0x7F => 1,
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            return if bytes.len() - i >= need {
                bytes.len()
            } else {
                i
            };
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out a few bytes at a time, to put block
    /// boundaries inside characters and phrases.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn streaming_equals_whole_conversion() {
        let c = Converter::new("s2twp").unwrap();
        let text = "我们用鼠标打开计算机上的软件，然后退出。\n".repeat(120_000);
        let mut out = Vec::new();
        let stats = convert_stream(&c, Trickle(text.as_bytes(), 7_777), &mut out).unwrap();
        assert_eq!(stats.bytes_in, text.len() as u64);
        assert_eq!(String::from_utf8(out).unwrap(), c.convert(&text));
    }

    /// A user config of three steps, the first two shrinking the text up
    /// to four code points to one (`aaaa` → `a`), and a text in which the
    /// last step sees an ideographic description sequence reach further
    /// past its last operator than [`Converter::ids_guard`] (64 × the
    /// longest key + 64 = 320 code points): only the product of the
    /// shrinks ([`Converter::pieces_guard`], 64 × 16 + 64) keeps streaming
    /// from cutting inside it.
    ///
    /// The shape: `⿲` × 15, then `T` = `⿰` × 15 + `x` × 16 (a sequence
    /// of depth 15), then 21 runs of 16 `a`, `.`, one more run. In steps 1
    /// and 2 the `⿲`s cannot open a sequence (`T` under them would nest
    /// deeper than 16 levels), so the `a`s after `T` are not inside one and
    /// shrink to a sixteenth; step 2 also collapses `T` into eight `y` (its
    /// keys hold operators). Step 3 then sees `⿲` × 15 + `y` × 8 + 23
    /// single characters: one complete sequence, whose last character
    /// stands for the 16 `a`s after the `.`, which is 353 code points after
    /// the last operator. Cut after the `.`, that last run would be
    /// converted by step 3 (`a` → `A`); in the whole text it is inside the
    /// sequence and kept.
    ///
    /// Collapsing `T` is what lets the sequence grow: shortening the text
    /// between operators only makes a sequence that failed (too deep, too
    /// long) fail again, so a later step sees a longer sequence only where
    /// a step removes operators (as here) or lengthens text.
    ///
    /// The shape is placed so that the `.` ends just before each 1 MiB
    /// block boundary, where a stream looks for its last safe cut.
    #[test]
    fn streaming_a_chain_of_shrinking_steps_never_cuts_inside_a_sequence() {
        let dir = std::env::temp_dir().join(format!("zhtidy-stream-chain-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dicts = [
            ("step1.txt", "aaaa\ta\n"),
            (
                "step2.txt",
                "aaaa\ta\n⿰⿰⿰⿰\ty\n⿰⿰⿰x\ty\nxxxx\ty\nxxx\ty\n",
            ),
            ("step3.txt", "a\tA\n"),
        ];
        for (name, entries) in dicts {
            std::fs::write(dir.join(name), entries).unwrap();
        }
        let config = dir.join("shrinking.json");
        let steps: Vec<String> = dicts
            .iter()
            .map(|(name, _)| format!(r#"{{"dict": {{"type": "text", "file": "{name}"}}}}"#))
            .collect();
        std::fs::write(
            &config,
            format!(
                r#"{{"name": "shrinking", "conversion_chain": [{}]}}"#,
                steps.join(", ")
            ),
        )
        .unwrap();
        let c = Converter::new(config.to_str().unwrap()).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        // The premise: the one-step guard is the smaller one here.
        assert_eq!((c.ids_guard(), c.pieces_guard()), (320, 1088));

        let run = "a".repeat(16);
        let head = format!(
            "{}{}{}{}.",
            "⿲".repeat(15),
            "⿰".repeat(15),
            "x".repeat(16),
            run.repeat(21)
        );
        let filler = "这是普通的一行文字。\n";
        let mut text = String::new();
        for boundary in [BLOCK, 2 * BLOCK] {
            // The `.` ends 8 bytes before the boundary; the run after it
            // straddles it.
            let start = boundary - 8 - head.len();
            while text.len() + filler.len() <= start {
                text.push_str(filler);
            }
            while text.len() < start {
                text.push('-');
            }
            text.push_str(&head);
            text.push_str(&run);
            text.push('\n');
        }
        while text.len() < 2 * BLOCK + BLOCK / 2 {
            text.push_str(filler);
        }

        let whole = c.convert(&text);
        // The premise, in the whole conversion: step 2 collapsed `T` and
        // the runs shrank to one `a` each, and step 3 kept each sequence
        // whole, the run after the `.` included (lowercase).
        let kept = format!("{}{}{}.a\n", "⿲".repeat(15), "y".repeat(8), "a".repeat(21));
        assert_eq!(whole.matches(&kept).count(), 2);
        let mut out = Vec::new();
        let stats = convert_stream(&c, Trickle(text.as_bytes(), 65_536), &mut out).unwrap();
        assert_eq!(stats.bytes_in, text.len() as u64);
        // Compared by hand: a failure shows where the outputs part
        // instead of printing megabytes.
        let whole = whole.as_bytes();
        if let Some(at) = out
            .iter()
            .zip(whole)
            .position(|(a, b)| a != b)
            .or((out.len() != whole.len()).then_some(out.len().min(whole.len())))
        {
            let near = |bytes: &[u8]| {
                String::from_utf8_lossy(&bytes[at.saturating_sub(40)..(at + 20).min(bytes.len())])
                    .into_owned()
            };
            panic!(
                "streamed output differs from the whole conversion at byte {at}:\n\
                 streamed: {:?}\n   whole: {:?}",
                near(&out),
                near(whole)
            );
        }
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let c = Converter::new("s2t").unwrap();
        let mut input = "汉字".repeat(10).into_bytes();
        input.push(0xFF);
        let err = convert_stream(&c, &input[..], Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "invalid UTF-8 at byte offset 60");
    }
}
