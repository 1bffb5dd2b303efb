/*!
Character classes every step of the fix stage shares, with no dependency
on any other part of it: Han ideographs and the halfwidth marks
`fullwidth-punct` converts. The character tables
([`tables`](super::tables)), script detection and the artifact steps all
read them, so they live in this leaf rather than in one of those.
*/

/// Whether `c` is a CJK unified (or compatibility) ideograph.
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x2F800..=0x2FA1F | 0x30000..=0x323AF)
}

/// Whether the short list of characters `list` holds `c`. Walking a
/// dozen characters is many times cheaper than `str::contains`, which
/// sets up a substring search for a character beyond ASCII: a line
/// step that asks it of every character paid that setup per character.
pub(super) fn in_list(list: &str, c: char) -> bool {
    list.chars().any(|x| x == c)
}

/// The halfwidth marks converted and their fullwidth forms.
pub(super) const PUNCT: [(char, char); 7] = [
    (',', '，'),
    (':', '：'),
    (';', '；'),
    ('?', '？'),
    ('!', '！'),
    ('(', '（'),
    (')', '）'),
];

/// Whether `c` is a halfwidth mark of [`PUNCT`].
pub(super) fn is_halfwidth_mark(c: char) -> bool {
    c.is_ascii() && HALFWIDTH_MARK[c as usize]
}

/// The bytes of the halfwidth marks of [`PUNCT`], as a table: one read
/// per byte of text to find lines that need a look.
pub(super) static HALFWIDTH_MARK: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < PUNCT.len() {
        table[PUNCT[i].0 as usize] = true;
        i += 1;
    }
    table
};
