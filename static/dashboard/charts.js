// Plotly charts, loaded only when the charts tab opens (the library is 4 MB). They update
// in place: a rolling window of phase counts (bounded points) and a per-node bar chart.
import { podRequests, quantity } from "./model.js";
import { word } from "./vocab.js";

const WINDOW = 300;       // points kept per trace: 10 minutes at one sample per 2 s
const SAMPLE_MS = 2000;
const PHASES = ["Pending", "Running", "Succeeded", "Failed"];
const MAX_BARS = 60;      // nodes in the allocation chart
let loading = null;

export function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  loading ||= new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = "/static/vendor/plotly/plotly.min.js";
    s.onload = () => resolve(window.Plotly);
    s.onerror = () => reject(new Error("Plotly could not be loaded"));
    document.head.append(s);
  });
  return loading;
}

export function layout(title) {
  const dark = document.documentElement.classList.contains("dark");
  return { title: { text: title }, margin: { t: 40, r: 10, b: 40, l: 40 }, height: 260,
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: dark ? "#e8ecf3" : "#1d2330" }, barmode: "group" };
}

export class Charts {
  /** `index`: the objects by kind (index.js). */
  constructor(phaseBox, allocBox, index, view) {
    this.phaseBox = phaseBox;
    this.allocBox = allocBox;
    this.index = index;
    this.view = view;
    this.timer = 0;
  }

  async start() {
    if (this.timer) return;
    const Plotly = await loadPlotly();
    this.Plotly = Plotly;
    await Plotly.newPlot(this.phaseBox, PHASES.map((p) => ({ x: [], y: [], name: p, mode: "lines" })),
      layout(this.phaseTitle()), { displayModeBar: false, responsive: true });
    document.addEventListener("kubelab:vocabulary", () =>
      Plotly.relayout(this.phaseBox, { "title.text": this.phaseTitle() }));
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  phaseTitle() { return `${word("pod", { plural: true, cap: true })} by phase`; }

  stop() { clearInterval(this.timer); this.timer = 0; }

  sample() {
    const ns = this.view.namespace;
    const counts = PHASES.map(() => 0);
    const requested = new Map();  // node name -> {cpu, memory} of the pods bound to it
    for (const p of this.index.of("Pod").values()) {
      if (!ns || p.metadata.namespace === ns) {
        const i = PHASES.indexOf(p.status?.phase || "Pending");
        if (i >= 0) counts[i] += 1;
      }
      const node = p.spec?.nodeName;
      if (!node) continue;
      const r = podRequests(p), acc = requested.get(node) || { cpu: 0, memory: 0 };
      acc.cpu += r.cpu; acc.memory += r.memory;
      requested.set(node, acc);
    }
    const now = new Date();
    this.Plotly.extendTraces(this.phaseBox, { x: PHASES.map(() => [now]), y: counts.map((c) => [c]) },
      PHASES.map((_, i) => i), WINDOW);
    let rows = this.index.byKind("Node").map((n) => {
      const alloc = n.status?.allocatable || {}, req = requested.get(n.metadata.name) || { cpu: 0, memory: 0 };
      const share = (used, total) => (quantity(total) ? (100 * used) / quantity(total) : 0);
      return { name: n.metadata.name, cpu: share(req.cpu, alloc.cpu), mem: share(req.memory, alloc.memory) };
    });
    const total = rows.length;
    // A bar per node stops being readable (and costs Plotly a long task) long before
    // 1,000 nodes: show the most requested ones.
    if (total > MAX_BARS) rows = rows.sort((a, b) => b.cpu + b.mem - a.cpu - a.mem).slice(0, MAX_BARS);
    rows.sort((a, b) => a.name.localeCompare(b.name));
    const names = rows.map((r) => r.name);
    const title = `Requested share of each ${word("node")} (%)` +
      (total > MAX_BARS ? ` — the ${MAX_BARS} most requested of ${total}` : "");
    this.Plotly.react(this.allocBox, [
      { type: "bar", x: names, y: rows.map((r) => r.cpu), name: "cpu requested %" },
      { type: "bar", x: names, y: rows.map((r) => r.mem), name: "memory requested %" },
    ], layout(title), { displayModeBar: false, responsive: true });
  }
}
