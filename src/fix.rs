/*!
Stage 3, **fix**: repair glyphs of the minority script (开 in Traditional
text, 這 in Simplified text) and variant forms toward the text's dominant
script, recording every change.

Not built yet.
*/
