// Text an agent wrote (an answer, a diff), printed on the user's terminal by the local CLI. Escape sequences
// could move the cursor, rewrite or hide lines (a diff that shows one change and applies another), set the
// window title or, on some terminals, answer back; bidi and zero-width characters can make code read
// differently than it runs. They are shown, not obeyed: as \x1b or <U+202E>. The text is otherwise as written.

// C0 controls but tab and newline, DEL, C1 controls.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// Invisible and direction-changing code points (format characters, line/paragraph separators, tag characters).
const INVISIBLE = /[\p{Cf}\u2028\u2029\u{E0000}-\u{E007F}]/gu;

export function visibleOnTerminal(text: string): string {
  if (!/[^\t\n\x20-\x7e]/.test(text)) return text;
  return text
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
    .replace(INVISIBLE, (c) => `<U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")}>`);
}

/**
 * JSON for a terminal or a pipe: JSON.stringify escapes C0 controls but leaves DEL, C1 controls, bidi and
 * invisible characters raw; they become \uXXXX escapes, so the text parses back to exactly the same value.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007F-\u009F\u2028\u2029\p{Cf}]/gu, (c) =>
    // Astral ones (tag characters) as their two UTF-16 halves: still JSON, still the same string.
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""),
  );
}
