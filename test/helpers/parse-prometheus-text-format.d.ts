// parse-prometheus-text-format ships no types: the part the /metrics tests read (its output mirrors prom2json's).
declare module "parse-prometheus-text-format" {
  export interface PrometheusMetric {
    /** Sample values as written (Go floats: "1", "1.5e3", "+Inf", "NaN"). */
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  export interface PrometheusFamily {
    name: string;
    help: string;
    /** Upper case: COUNTER, GAUGE, HISTOGRAM, SUMMARY, UNTYPED. */
    type: string;
    metrics: PrometheusMetric[];
  }
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
