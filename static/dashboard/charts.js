// Plotly charts, loaded only when the charts tab opens (the library is 4 MB). They update
// in place: a rolling window of phase counts (bounded points) and a per-node bar chart.
import { podRequests, quantity } from "./model.js";
import { word } from "./vocab.js";

const WINDOW = 300;       // points kept per trace: 10 minutes at one sample per 2 s
const SAMPLE_MS = 2000;
const PHASES = ["Pending", "Running", "Succeeded", "Failed"];
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
  constructor(phaseBox, allocBox, state, view) {
    this.phaseBox = phaseBox;
    this.allocBox = allocBox;
    this.state = state;
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
    const pods = this.state.byKind("Pod").filter((p) => !ns || p.metadata.namespace === ns);
    const counts = PHASES.map((ph) => pods.filter((p) => (p.status?.phase || "Pending") === ph).length);
    const now = new Date();
    this.Plotly.extendTraces(this.phaseBox, { x: PHASES.map(() => [now]), y: counts.map((c) => [c]) },
      PHASES.map((_, i) => i), WINDOW);
    const nodes = this.state.byKind("Node").sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const names = nodes.map((n) => n.metadata.name);
    const cpu = [], mem = [];
    for (const n of nodes) {
      const alloc = n.status?.allocatable || {};
      const here = this.state.byKind("Pod").filter((p) => p.spec?.nodeName === n.metadata.name);
      const req = here.reduce((acc, p) => { const r = podRequests(p); acc.cpu += r.cpu; acc.memory += r.memory; return acc; },
        { cpu: 0, memory: 0 });
      cpu.push(quantity(alloc.cpu) ? (100 * req.cpu) / quantity(alloc.cpu) : 0);
      mem.push(quantity(alloc.memory) ? (100 * req.memory) / quantity(alloc.memory) : 0);
    }
    this.Plotly.react(this.allocBox, [
      { type: "bar", x: names, y: cpu, name: "cpu requested %" },
      { type: "bar", x: names, y: mem, name: "memory requested %" },
    ], layout(`Requested share of each ${word("node")} (%)`), { displayModeBar: false, responsive: true });
  }
}
