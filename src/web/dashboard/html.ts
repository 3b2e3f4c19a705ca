// HTML built from text we do not control (repository names, issue titles, outcomes, error text, agent messages):
// every interpolated value is escaped unless it is markup this folder built itself (a Safe), so forgetting to
// escape is impossible by construction rather than by review.

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

/** Text safe inside element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

/** Markup built here (by `html` or the SVG charts), never text from outside. */
export class Safe {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Value = Safe | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value instanceof Safe) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

/** Tagged template: the literal parts are ours, every `${value}` is escaped (arrays of Safe are joined). */
export function html(strings: TemplateStringsArray, ...values: Value[]): Safe {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new Safe(out);
}

/** A link target only when it is an http(s) URL: a `javascript:` or `data:` link from a record is shown as text. */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}
