// GitHub rejects comment bodies and check-run output longer than 65,536 characters with a 422, and the whole
// publication would be lost. We cut the middle instead: the head (the start of the report) and the tail
// (footer and hidden marker, which find the comment again) survive, with a visible note in between.
export const COMMENT_BODY_LIMIT = 65_536;
export const CHECK_RUN_TEXT_LIMIT = 65_535;

function truncationNote(omitted: number): string {
  return `\n\n…truncated (${omitted.toLocaleString("en-US")} characters omitted to fit GitHub's limit)\n\n`;
}

// Cutting inside a surrogate pair would leave half a character that GitHub shows as garbage.
function cutAt(text: string, end: number): string {
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? text.slice(0, end - 1) : text.slice(0, end);
}

/** head + tail when it fits in `limit`, else the start of head, a "…truncated" note, and the whole tail. */
export function fitBody(head: string, tail = "", limit = COMMENT_BODY_LIMIT): string {
  if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`fitBody: limit must be a positive integer, got ${limit}`);
  if (head.length + tail.length <= limit) return head + tail;
  // The note's length depends on the number it prints; the longest possible number bounds it.
  const noteRoom = truncationNote(head.length).length;
  const keep = limit - tail.length - noteRoom;
  if (keep < 0) throw new RangeError(`fitBody: the tail alone (${tail.length} characters) does not fit in ${limit}`);
  const kept = cutAt(head, keep);
  return kept + truncationNote(head.length - kept.length) + tail;
}
