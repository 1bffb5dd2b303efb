/*!
Stage 2, **strip**: remove reposting boilerplate (source and editor header
lines, 導讀 summaries that repeat the lead, 展開全文 buttons, image credits,
source/title/address footers, disclaimers) and record every removal.

Not built yet.
*/
