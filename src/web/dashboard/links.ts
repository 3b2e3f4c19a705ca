import { html, safeHref, type Safe } from "./html.js";

/** A job's links (comment, PR, check run, commit): a link where the value is an http(s) URL, plain text otherwise. */
export function renderLinks(links: Record<string, string>): Safe {
  const items = Object.entries(links).map(([name, value]) => {
    const href = typeof value === "string" ? safeHref(value) : null;
    return href
      ? html`<a href="${href}" rel="noreferrer noopener" target="_blank">${linkName(name)}</a>`
      : html`<span>${linkName(name)}: ${/^[0-9a-f]{40}$/.test(String(value)) ? String(value).slice(0, 7) : String(value)}</span>`;
  });
  return html`${items.flatMap((item, i) => (i ? [html` · `, item] : [item]))}`;
}

/** `pr12` (a triage's comment on PR 12) → "comment on #12"; the rest as named. */
function linkName(name: string): string {
  const pr = /^pr(\d+)$/.exec(name);
  if (pr) return `comment on #${pr[1]}`;
  return name === "checkRun" ? "check run" : name;
}
