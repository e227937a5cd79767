// Plotly charts of the cluster's flow, updating in place with bounded memory: scheduling
// latency (creationTimestamp → PodScheduled condition time; the API's timestamps are whole
// seconds, so latencies read in whole seconds) and throughput, container restarts, and the
// event rate. Each trace keeps at most WINDOW points; the only other memory is the set of
// pods already counted as scheduled, rebuilt from the live pods every sample.
import { layout, loadPlotly } from "./charts.js";
import { word } from "./vocab.js";

const WINDOW = 300;       // points per trace: 10 minutes at one sample per 2 s
const SAMPLE_MS = 2000;
const CONFIG = { displayModeBar: false, responsive: true };

// [scheduled, created] in ms, remembered per pod object (objects are replaced, not changed,
// when a pod changes): parsing two dates for each of 10,000 pods every sample added up.
const times = new WeakMap();

function podTimes(pod) {
  let t = times.get(pod);
  if (t) return t;
  const c = (pod.status?.conditions || []).find((x) => x.type === "PodScheduled" && x.status === "True");
  t = [c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN, Date.parse(pod.metadata.creationTimestamp)];
  times.set(pod, t);
  return t;
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : null;
}

export class FlowCharts {
  /** `state` for its delta count, `index` (index.js) for the objects by kind. */
  constructor(schedBox, restartBox, eventBox, state, view, index) {
    Object.assign(this, { schedBox, restartBox, eventBox, state, view, index });
    this.timer = 0;
    this.scheduled = new Set();   // uids of live pods already counted
    this.lastDeltas = state.deltaCount;
    this.lastEvents = null;
    this.lastTime = performance.now();
  }

  titles() {
    const pods = word("pod", { plural: true });
    return {
      sched: `Scheduling: ${pods} placed per second, latency (s)`,
      restarts: "Container restarts (total)",
      events: `Changes per second (all) and ${word("event", { plural: true })} per second`,
    };
  }

  async start() {
    if (this.timer) return;
    const Plotly = await loadPlotly();
    this.Plotly = Plotly;
    // Rates start afresh: what was placed while the tab was closed is not a burst now.
    this.scheduled = new Set();
    this.lastEvents = null;
    this.lastDeltas = this.state.deltaCount;
    this.lastTime = performance.now();
    const t = this.titles();
    const line = (name, extra = {}) => ({ x: [], y: [], name, mode: "lines", ...extra });
    await Plotly.newPlot(this.schedBox, [line("placed/s"), line("p50 latency", { yaxis: "y2" }),
      line("p99 latency", { yaxis: "y2" })],
    { ...layout(t.sched), yaxis2: { overlaying: "y", side: "right", rangemode: "tozero" } }, CONFIG);
    await Plotly.newPlot(this.restartBox, [line("restarts")], layout(t.restarts), CONFIG);
    await Plotly.newPlot(this.eventBox, [line("changes/s"), line("events/s")], layout(t.events), CONFIG);
    this.onVocabulary ||= () => {
      const now = this.titles();
      Plotly.relayout(this.schedBox, { "title.text": now.sched });
      Plotly.relayout(this.eventBox, { "title.text": now.events });
    };
    document.addEventListener("kubelab:vocabulary", this.onVocabulary);
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = 0;
    if (this.onVocabulary) document.removeEventListener("kubelab:vocabulary", this.onVocabulary);
  }

  sample() {
    const ns = this.view.namespace;
    const pods = [...this.index.of("Pod").values()].filter((p) => !ns || p.metadata.namespace === ns);
    const nowMs = performance.now();
    const seconds = Math.max(0.001, (nowMs - this.lastTime) / 1000);
    this.lastTime = nowMs;
    const live = new Set();
    const latencies = [];
    let restarts = 0;
    for (const p of pods) {
      for (const c of p.status?.containerStatuses || []) restarts += c.restartCount || 0;
      const [at, created] = podTimes(p);
      if (Number.isNaN(at)) continue;
      const uid = p.metadata.uid;
      live.add(uid);
      if (this.scheduled.has(uid)) continue;
      if (!Number.isNaN(created)) latencies.push(Math.max(0, (at - created) / 1000));
    }
    const first = this.scheduled.size === 0 && this.lastEvents === null;
    this.scheduled = live;  // bounded by the pods that exist now
    latencies.sort((a, b) => a - b);
    let events = 0;
    for (const e of this.index.of("Event").values()) events += e.count || 1;
    const deltas = this.state.deltaCount;
    const now = new Date();
    const x = (n) => Array.from({ length: n }, () => [now]);
    // The first sample would count every existing pod as "just placed": skip its rates.
    const rate = (v) => (first ? null : v);
    this.Plotly.extendTraces(this.schedBox, { x: x(3), y: [[rate(latencies.length / seconds)],
      [rate(percentile(latencies, 0.5))], [rate(percentile(latencies, 0.99))]] }, [0, 1, 2], WINDOW);
    this.Plotly.extendTraces(this.restartBox, { x: x(1), y: [[restarts]] }, [0], WINDOW);
    this.Plotly.extendTraces(this.eventBox, { x: x(2), y: [[rate((deltas - this.lastDeltas) / seconds)],
      [rate(this.lastEvents === null ? null : Math.max(0, events - this.lastEvents) / seconds)]] }, [0, 1], WINDOW);
    this.lastDeltas = deltas;
    this.lastEvents = events;
  }
}
