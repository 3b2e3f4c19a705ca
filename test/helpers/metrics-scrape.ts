// A /metrics scrape as the tests read it, parsed by parse-prometheus-text-format: the types of the families, and
// sums of samples by name and labels (`x_total`, a histogram's `x_count` and `x_sum`).
import parsePrometheusTextFormat from "parse-prometheus-text-format";

export interface Scrape {
  /** Family name → type in lower case (`counter`, `gauge`, `histogram`, …). */
  types: Map<string, string>;
  /** Sum of the samples named `name` whose labels include `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
}

// Go float syntax, which Number() does not read for the infinities.
const GO_FLOATS: Record<string, number> = { "+inf": Infinity, inf: Infinity, "-inf": -Infinity, nan: NaN };
const float = (v: string) => GO_FLOATS[v.toLowerCase()] ?? Number(v);

export function parseMetrics(text: string): Scrape {
  const types = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f.type.toLowerCase()]));
  // The parser folds a histogram's series into one set of buckets and drops the `_sum` and `_count` of any series
  // with labels (yunyu/parse-prometheus-text-format#13; the fix, PR #8, is unmerged), and every histogram here has
  // labels. Without its `# TYPE … histogram` line a histogram reads as plain `_bucket`, `_sum` and `_count`
  // families, each sample with its labels: the samples come from that second reading.
  const flat = parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram$/gm, ""));
  const samples = flat.flatMap((f) => f.metrics.map((m) => ({ name: f.name, labels: m.labels ?? {}, value: m.value })));
  return {
    types,
    sum: (name, want = {}) =>
      samples
        .filter((s) => s.name === name && s.value !== undefined && Object.entries(want).every(([k, v]) => s.labels[k] === v))
        .reduce((a, s) => a + float(s.value!), 0),
  };
}
