// Prometheus text exposition format (0.0.4) → samples. prom-client writes the format but has no parser, and no
// parser package is installed (the integrator is asked about `parse-prometheus-text-format`); this one reads
// what prom-client writes: `# HELP`/`# TYPE` lines, `name{label="value",…} number` samples, escaped label values.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  types: Map<string, string>;
  samples: Sample[];
  /** Sum of the samples named `name` whose labels include `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/g;

export function parsePrometheusText(text: string): Scrape {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1");
    // Values are Go floats: NaN and ±Inf in any case (prom-client writes "Nan" for an empty event-loop histogram).
    const v = m[3].toLowerCase();
    const value = v === "nan" ? NaN : v === "+inf" || v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && v !== "nan") throw new Error(`bad sample value: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return {
    types,
    samples,
    sum: (name, want = {}) =>
      samples.filter((s) => s.name === name && Object.entries(want).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0),
  };
}
