// The form of an error line without its particulars, so that look-alike lines can be counted as one.
import { MAX_CLASSIFIED_CHARS } from "./patterns.js";

// Lines are scanned as latin1 (one char per byte): a pattern's non-ASCII characters are written the same way.
const latin1 = (s: string) => Buffer.from(s, "utf8").toString("latin1");

// Quoted text and paths, replaced in one linear pass each: as plain global regexes ("‘.*?’", "\S+\.\w{1,5}\b")
// they were tried again from every quote mark or character of a long run, each try reading on to the line's end.
const QUOTES = new RegExp(latin1(/"[^"]*"|'[^']*'|`[^`]*`|‘/.source), "g");
const [OPEN_QUOTE, CLOSE_QUOTE] = ["‘", "’"].map(latin1);
const TOKEN = /\S+/g;
// A path in a token starts at the token's start if anywhere (its \S* or \S+ can take in what comes before), and
// leaves no second one in the rest: either it takes the whole token (a slash), or its greedy \S+ already ended at
// the token's last "name.ext".
const PATH_AT_START = /^(?:\S*[/\\]\S*|\S+\.\w{1,5}\b(?::\d+)*)/;

/** "…", '…', `…` and ‘…’ become Q, as the regex "…"|'…'|`…`|‘.*?’ would replace them, leftmost first. */
function replaceQuoted(text: string): string {
  let out = "";
  let last = 0;
  let unclosed = false; // no ’ after an earlier ‘: none after a later one either
  QUOTES.lastIndex = 0;
  for (let m = QUOTES.exec(text); m !== null; m = QUOTES.exec(text)) {
    let end = QUOTES.lastIndex;
    if (m[0] === OPEN_QUOTE) {
      const close = unclosed ? -1 : text.indexOf(CLOSE_QUOTE, end);
      if (close < 0) {
        unclosed = true;
        QUOTES.lastIndex = m.index + 1;
        continue;
      }
      end = close + CLOSE_QUOTE.length;
      QUOTES.lastIndex = end;
    }
    out += text.slice(last, m.index) + "Q";
    last = end;
  }
  return last === 0 ? text : out + text.slice(last);
}

function replacePaths(text: string): string {
  return text.replace(TOKEN, (token) => {
    const m = PATH_AT_START.exec(token);
    return m === null ? token : "P" + token.slice(m[0].length);
  });
}

/** The form of an error line without its particulars: the 200 "Module has no attribute …" lines share one. */
export function lineShape(line: string): string {
  return replacePaths(replaceQuoted(line.slice(0, MAX_CLASSIFIED_CHARS)))
    .replace(/\d+/g, "0")
    .replace(/([_=*#~.-])\1{2,}/g, "$1$1$1")
    .replace(/\s+/g, " ")
    .trim();
}
