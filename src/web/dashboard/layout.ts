import { html, type Safe } from "./html.js";

/** The page around every dashboard view; its only script and style come from /dashboard/static/. */
export function layout(title: string, body: Safe, opts: { script?: boolean } = {}): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title} · codex-dispatch</title>
        <link rel="stylesheet" href="/dashboard/static/style.css" />
      </head>
      <body>
        <header>
          <h1><a href="/dashboard">codex-dispatch</a></h1>
          <span class="muted">${title}</span>
        </header>
        <main>${body}</main>
        ${opts.script ? html`<script src="/dashboard/static/live.js"></script>` : ""}
      </body>
    </html>`.value;
}

/** The page a viewer sees when DASHBOARD_TOKEN is not set (served with 404). */
export function offPage(): string {
  return layout(
    "dashboard off",
    html`<p>
      The dashboard is off. Set <code>DASHBOARD_TOKEN</code> (at least 16 characters) in the web process's environment to turn it on, then
      open <code>/dashboard?token=…</code> once.
    </p>`,
  );
}

export function messagePage(title: string, text: string): string {
  return layout(title, html`<p>${text}</p>`);
}
