/*!
[`Text`]: the short string a [`super::Change`] or [`super::Note`] holds.

Nearly every change replaces a character or an entity: a few bytes. A
`String` for each would be a heap allocation of its own (32 bytes or more
for a 1-byte `&`), and an input with a change every few bytes (a line of
`&amp;` repeated) then needed dozens of times its size in memory. A
`Text` keeps up to [`INLINE`] bytes in place and only longer text on the
heap, in the same 24 bytes a `String` takes.
*/

use std::fmt;
use std::ops::Deref;

/// Bytes kept in place.
pub const INLINE: usize = 22;

/// A short immutable string, kept in place up to [`INLINE`] bytes. It
/// reads as a `&str` ([`Deref`], [`Text::as_str`]), prints and serializes
/// as one, and compares equal to one.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Text(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl Text {
    /// The empty text.
    pub const EMPTY: Text = Text(Repr::Inline {
        len: 0,
        bytes: [0; INLINE],
    });

    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                // Only ever filled from a `&str`, cut at its end.
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Repr::Heap(s) => s,
        }
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::EMPTY
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        if s.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Text(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        } else {
            Text(Repr::Heap(s.into()))
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        if s.len() <= INLINE {
            Text::from(s.as_str())
        } else {
            Text(Repr::Heap(s.into_boxed_str()))
        }
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text::from(s.as_str())
    }
}

impl From<char> for Text {
    fn from(c: char) -> Self {
        Text::from(c.encode_utf8(&mut [0; 4]) as &str)
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.as_str().to_string()
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_text_read_back_exactly() {
        for s in [
            "",
            "&",
            "開",
            "&amp;",
            "\u{200b}",
            "一二三四五六七",
            "一二三四五六七八九十",
        ] {
            let t = Text::from(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(Text::from(s.to_string()), t);
            assert_eq!(t, s);
            assert_eq!(format!("{t}"), s);
            assert_eq!(format!("{t:?}"), format!("{s:?}"));
        }
        assert!(matches!(
            Text::from("一二三四五六七").0,
            Repr::Inline { .. }
        ));
        assert!(matches!(Text::from("一二三四五六七八").0, Repr::Heap(_)));
        assert_eq!(Text::from('開'), "開");
        assert_eq!(std::mem::size_of::<Text>(), std::mem::size_of::<String>());
    }
}
