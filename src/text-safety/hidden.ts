// Text written by strangers (issues, comments, CI logs, the agent's own answers) can hide things from a human
// reader: zero-width and bidi characters, Unicode tag characters (invisible ASCII look-alikes that models read),
// Hangul fillers, variation selectors, HTML comments and markdown comments. Everything that goes into a prompt
// or onto GitHub loses them here, so what a person sees is what the model (and GitHub) gets.

// \p{Cf} covers zero-width spaces/joiners, bidi controls (incl. U+061C), U+00AD, U+180E, U+FEFF and the assigned
// tag characters; the rest are invisible code points of other categories. The class deliberately holds lone
// combining marks (U+034F, variation selectors): each is matched and removed on its own.
const HIDDEN_CHARS =
  // eslint-disable-next-line no-misleading-character-class
  /[\p{Cf}\u{E0000}-\u{E007F}\u034F\u115F\u1160\u3164\uFFA0\u2800\u180B-\u180F\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;
// U+2028/U+2029 split lines for some renderers and not for others: make them plain newlines.
const LINE_SEPARATORS = /[\u2028\u2029]/g;
const HTML_COMMENTS = /<!--[\s\S]*?(?:-->|$)/g;
// `[//]: # (note)` and friends: a link reference definition nobody links to renders as nothing at all.
const MARKDOWN_COMMENT_LINES = /^[ \t]{0,3}\[(?:\/\/|#|comment|_)\]:[ \t]*(?:#|<>)[^\n]*(?:\n|$)/gim;
// C0 controls except tab and newline; they can rewrite what a terminal or log viewer shows.
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F]/g;
const HAS_SUSPECT = /[^\t\n\x20-\x7e]|<!--|\]:/;

/** Only the invisible characters removed (and line separators made newlines): the text otherwise as it was. */
export function removeHiddenChars(text: string): string {
  if (!/[^\t\n\r\x20-\x7e]/.test(text)) return text;
  return text.replace(LINE_SEPARATORS, "\n").replace(HIDDEN_CHARS, "");
}

/** Hidden characters, control characters, HTML comments and markdown comment lines removed. */
export function stripHidden(text: string): string {
  if (!HAS_SUSPECT.test(text)) return text;
  return removeHiddenChars(text).replace(HTML_COMMENTS, "").replace(MARKDOWN_COMMENT_LINES, "").replace(CONTROL_CHARS, "");
}
