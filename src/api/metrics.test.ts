import assert from "node:assert/strict";
import { test } from "node:test";
import { MetricsRegistry } from "./metrics.js";

test("renders counters, gauges and histograms in the Prometheus text format", () => {
  const m = new MetricsRegistry();
  const c = m.counter("corridor_events_total", "Events accepted");
  c.inc({ source: "auto" }, 3);
  c.inc({ source: 'we"ird\nname' });
  const g = m.gauge("corridor_lag", "Lag");
  let lag = 5;
  g.collect(() => lag);
  lag = 7;
  const h = m.histogram("corridor_latency_seconds", "Latency", [0.1, 1]);
  h.observe(0.05);
  h.observe(0.5);
  h.observe(3);
  assert.equal(
    m.render(),
    [
      "# HELP corridor_events_total Events accepted",
      "# TYPE corridor_events_total counter",
      'corridor_events_total{source="auto"} 3',
      'corridor_events_total{source="we\\"ird\\nname"} 1',
      "# HELP corridor_lag Lag",
      "# TYPE corridor_lag gauge",
      "corridor_lag 7",
      "# HELP corridor_latency_seconds Latency",
      "# TYPE corridor_latency_seconds histogram",
      'corridor_latency_seconds_bucket{le="0.1"} 1',
      'corridor_latency_seconds_bucket{le="1"} 2',
      'corridor_latency_seconds_bucket{le="+Inf"} 3',
      "corridor_latency_seconds_sum 3.55",
      "corridor_latency_seconds_count 3",
      "",
    ].join("\n"),
  );
  assert.throws(() => m.counter("corridor_lag", "again"), /registered twice/);
});
