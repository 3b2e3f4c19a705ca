// The dashboard's only stylesheet and script, served from /dashboard/static/ so that the pages can forbid inline
// script and style (Content-Security-Policy in route.ts): even a tag that escaped escaping could not run.

export const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
header { display: flex; gap: 16px; align-items: baseline; padding: 10px 20px; border-bottom: 1px solid var(--line); background: var(--bg); }
header h1 { font-size: 18px; margin: 0; } header a { color: inherit; text-decoration: none; }
main { padding: 12px 20px; }
.muted { color: var(--muted); }
form.filters { display: flex; gap: 10px; align-items: end; flex-wrap: wrap; margin: 4px 0 12px; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
select, button { font: inherit; padding: 2px 6px; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 4px 16px; }
figure.chart { margin: 0; } figure.chart > svg { width: 100%; height: auto; max-height: 170px; }
figcaption { font-weight: 600; font-size: 13px; }
.chart-empty { color: var(--muted); border: 1px dashed var(--line); padding: 16px; }
svg .axis { stroke: #8c959f; stroke-width: 1; } svg .tick { font-size: 10px; fill: var(--muted); }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 10px; padding: 0; margin: 0; font-size: 12px; }
ul.legend svg { width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--bg); font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; } .status-succeeded { color: #1a7f37; } .status-failed { color: #cf222e; } .status-running { color: #9a6700; }
.outcome { max-width: 280px; overflow-wrap: anywhere; } .error { color: #cf222e; white-space: pre-wrap; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
ol.timeline { list-style: none; padding: 0; border-left: 2px solid var(--line); }
ol.timeline li { margin: 0 0 6px; padding: 2px 8px; }
ol.timeline time { color: var(--muted); font-size: 12px; margin-right: 8px; }
ol.timeline .type { display: inline-block; min-width: 70px; font-size: 12px; font-weight: 600; }
ol.timeline .text { white-space: pre-wrap; overflow-wrap: anywhere; font-family: ui-monospace, monospace; font-size: 12px; }
ol.timeline .exit { margin-left: 8px; font-size: 12px; } .exit-ok { color: #1a7f37; } .exit-bad { color: #cf222e; }
.ev-error .type { color: #cf222e; } .ev-message .text { font-family: inherit; }
`;

// Plain JS: follows a running job's timeline over Server-Sent Events. Rows are built with textContent, never
// innerHTML: an event's text is whatever the agent printed.
export const LIVE_SCRIPT = `(function () {
  var list = document.getElementById("timeline");
  if (!list || list.getAttribute("data-live") !== "1" || !window.EventSource) return;
  var counter = document.getElementById("event-count");
  var source = new EventSource(list.getAttribute("data-stream"));
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  source.addEventListener("timeline", function (m) {
    var ev = JSON.parse(m.data);
    var li = el("li", "ev ev-" + ev.type);
    li.setAttribute("data-seq", String(ev.seq));
    var parts = [el("time", null, ev.at.slice(11, 19)), el("span", "type", ev.type), el("span", "text", ev.text)];
    if (ev.exitCode !== null) parts.push(el("span", "exit " + (ev.exitCode === 0 ? "exit-ok" : "exit-bad"), "exit " + ev.exitCode));
    parts.forEach(function (p, i) { if (i) li.appendChild(document.createTextNode(" ")); li.appendChild(p); });
    list.appendChild(li);
    if (counter) counter.textContent = String(list.children.length);
  });
  source.addEventListener("end", function (m) {
    source.close();
    list.setAttribute("data-live", "0");
    var status = document.getElementById("job-status");
    if (status) { var s = JSON.parse(m.data).status; status.textContent = s; status.className = "status status-" + s; }
  });
})();
`;
