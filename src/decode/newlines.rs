/*!
Line endings of decoded text, counted so that reports can say what a file
uses. Nothing in zhtidy rewrites them: CRLF stays CRLF, mixed stays mixed.
*/

/// How many of each line ending a text has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Newlines {
    /// `\n` not preceded by `\r`.
    pub lf: usize,
    /// `\r\n`.
    pub crlf: usize,
    /// `\r` not followed by `\n`.
    pub cr: usize,
}

impl Newlines {
    /// Counts the line endings of `text`.
    pub fn count(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut n = Newlines::default();
        // From one line-ending byte to the next (a vectorized search)
        // rather than byte by byte.
        let mut crlf_end = 0;
        for i in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    n.crlf += 1;
                    crlf_end = i + 1;
                }
                b'\r' => n.cr += 1,
                // The `\n` of a `\r\n` is counted with it.
                _ if i == crlf_end && i > 0 => {}
                _ => n.lf += 1,
            }
        }
        n
    }

    /// Whether more than one kind occurs.
    pub fn is_mixed(&self) -> bool {
        [self.lf, self.crlf, self.cr]
            .iter()
            .filter(|&&c| c > 0)
            .count()
            > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_kind() {
        let n = Newlines::count("a\r\nb\nc\rd\r\n");
        assert_eq!((n.lf, n.crlf, n.cr), (1, 2, 1));
        assert!(n.is_mixed());
        assert!(!Newlines::count("a\r\nb\r\n").is_mixed());
        let n = Newlines::count("\n\r\r\n\n\r");
        assert_eq!((n.lf, n.crlf, n.cr), (2, 1, 2));
    }
}
