/*!
Test inputs shared by the stages' unit tests: reproducible pseudo-random
text over a chosen alphabet, for checks that a fast path equals the plain
one on every mix of characters.
*/

/// `len` characters drawn from `alphabet` by a xorshift generator whose
/// state is `state` (advanced, so successive calls give new text).
pub(crate) fn random_text(alphabet: &[char], len: usize, state: &mut u64) -> String {
    (0..len)
        .map(|_| {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            alphabet[(*state % alphabet.len() as u64) as usize]
        })
        .collect()
}
