// Everything the agent writes that the bot posts (answers, root causes, suggested fixes, review comments, fix
// reports, failure reasons) passes this sanitizer. The agent read text written by strangers and may repeat what
// it was told: a tracking image, a phishing link, raw HTML, a hidden comment addressed to the next agent, a
// forged sticky marker, a ping. The markdown is parsed (micromark + GFM, the grammar GitHub uses), the tree is
// rewritten, and serialised again, so no construct can slip past a regex:
//   HTML            → shown as text (escaped); HTML comments dropped
//   definitions     → dropped (`[//]: # (…)` comments, reference definitions)
//   images          → alt text and the URL as inline code (nothing is fetched)
//   links           → kept only into this GitHub host; others (autolinks, bare URLs too) as inline code
//   @mentions       → defused with a zero-width space entity, so nobody is pinged
// Hidden characters are removed and secrets redacted before parsing. Our own templates (<sub>, <details>,
// blob links) are composed around the sanitized pieces and are not passed through here.
import type { Nodes, Parent, PhrasingContent, Root, RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown, gfmToMarkdown } from "mdast-util-gfm";
import { toMarkdown } from "mdast-util-to-markdown";
import { gfm } from "micromark-extension-gfm";
import { stripHidden } from "./hidden.js";
import { isOnHost } from "./links.js";
import { REPLACEMENT, redactSecrets } from "./redact.js";

export interface SanitizeOptions {
  /** The GitHub host links may point to, e.g. https://github.com or a GHE host; absent: no link is kept. */
  webBaseUrl?: string;
  /** Turns an inline code span such as `src/a.ts:12` into a link (into the commit); null keeps it as code. */
  linkCode?: (code: string) => string | null;
}

const MENTION = /@(?=[A-Za-z0-9])/g;
// A zero-width space as an HTML entity: unlike the character, it survives later hidden-character stripping.
const MENTION_BREAK = "&#8203;";
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
// The serializer escapes the "[" of "[REDACTED]"; unescaped it reads better and cannot start a link or a
// definition as long as no "(", "[" or ":" follows.
const ESCAPED_REPLACEMENT = new RegExp(`\\\\${REPLACEMENT.replace(/[[\]]/g, "\\$&")}(?![([:])`, "g");

function text(value: string): PhrasingContent {
  return { type: "text", value };
}

function plain(node: Nodes): string {
  if ("value" in node && typeof node.value === "string") return node.value;
  if (node.type === "image") return node.alt ?? "";
  return "children" in node ? (node.children as Nodes[]).map(plain).join("") : "";
}

/** A text node split so that every `@name` carries the break entity after the `@`. */
function defuse(value: string): PhrasingContent[] {
  const parts = value.split(MENTION);
  if (parts.length === 1) return [text(value)];
  const out: PhrasingContent[] = [];
  parts.forEach((part, i) => {
    if (i > 0) out.push(text("@"), { type: "html", value: MENTION_BREAK });
    if (part) out.push(text(part));
  });
  return out;
}

/** The replacement for one phrasing node (several nodes, or none). */
function phrasing(node: PhrasingContent, opts: SanitizeOptions): PhrasingContent[] {
  switch (node.type) {
    case "text":
      return defuse(node.value);
    case "html": {
      const shown = node.value.replace(HTML_COMMENT, "");
      return shown.trim() ? defuse(shown) : [];
    }
    case "image": {
      const alt = (node.alt ?? "").trim();
      return [...(alt ? [...defuse(alt), text(" ")] : []), { type: "inlineCode", value: node.url }];
    }
    case "imageReference":
      return node.alt ? defuse(node.alt) : [];
    case "linkReference":
      // Definitions are dropped, so a reference would show as `[text][ref]`: keep its text.
      return node.children.flatMap((c) => phrasing(c, opts));
    case "link": {
      const label = plain(node).trim();
      if (opts.webBaseUrl && isOnHost(node.url, opts.webBaseUrl)) {
        node.children = node.children.flatMap((c) => phrasing(c, opts));
        return [node];
      }
      // Autolinks and bare URLs: the label is the URL (or www. host) itself; show it once, as code.
      if (!label || node.url === label || node.url.endsWith(label) || node.url === `mailto:${label}`) {
        return [{ type: "inlineCode", value: label || node.url }];
      }
      return [...node.children.flatMap((c) => phrasing(c, opts)), text(" "), { type: "inlineCode", value: node.url }];
    }
    case "inlineCode": {
      const url = opts.linkCode?.(node.value);
      return url ? [{ type: "link", url, children: [node] }] : [node];
    }
    default:
      if ("children" in node) (node as Parent).children = (node.children as PhrasingContent[]).flatMap((c) => phrasing(c, opts));
      return [node];
  }
}

function flow(nodes: RootContent[], opts: SanitizeOptions): RootContent[] {
  const out: RootContent[] = [];
  for (const node of nodes) {
    if (node.type === "definition") continue;
    if (node.type === "html") {
      const shown = node.value.replace(HTML_COMMENT, "");
      if (shown.trim()) out.push({ type: "paragraph", children: defuse(shown) });
      continue;
    }
    if (node.type === "paragraph" || node.type === "heading" || node.type === "tableCell") {
      node.children = node.children.flatMap((c) => phrasing(c, opts));
      // A paragraph that held only a comment is gone, not an empty line.
      if (node.type === "paragraph" && node.children.length === 0) continue;
      out.push(node);
      continue;
    }
    if ("children" in node) (node as Parent).children = flow(node.children as RootContent[], opts);
    out.push(node);
  }
  return out;
}

/** Agent markdown, made safe to post: see the top of this file. */
export function sanitizeMarkdown(markdown: string, opts: SanitizeOptions): string {
  const clean = redactSecrets(stripHidden(markdown));
  if (!clean.trim()) return "";
  const tree: Root = fromMarkdown(clean, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  tree.children = flow(tree.children, opts);
  return toMarkdown(tree, {
    extensions: [gfmToMarkdown()],
    bullet: "-",
    listItemIndent: "one",
    emphasis: "*",
    strong: "*",
    fences: true,
    rule: "-",
  })
    .trimEnd()
    .replace(ESCAPED_REPLACEMENT, REPLACEMENT);
}

/** Agent markdown for one line of our own markup (a list item, a table cell): sanitized, on one line. */
export function sanitizeMarkdownLine(markdown: string, opts: SanitizeOptions): string {
  return sanitizeMarkdown(markdown.replace(/\s+/g, " ").trim(), opts).replace(/\s*\n\s*/g, " ");
}
