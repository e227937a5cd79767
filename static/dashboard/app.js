// The map page: wires the state, socket, map, selector box, side panels and charts.
import { Charts } from "./charts.js";
import { addSection, showDetails, stopPodIO } from "./details.js";
import { FlowCharts } from "./flowcharts.js";
import { KindIndex } from "./index.js";
import { LoopControls } from "./loopcontrols.js";
import { ClusterMap } from "./map.js";
import { SchedulingOverlay } from "./overlay.js";
import { reconcileSection } from "./reconcile.js";
import { schedulingSection } from "./schedpanel.js";
import { SelectorBox } from "./selector.js";
import { SidePanels } from "./sidepanels.js";
import { connect } from "./socket.js";
import { ClusterState } from "./state.js";
import { Timeline } from "./timeline.js";
import { applyVocabulary } from "./vocab.js";

const $ = (sel) => document.querySelector(sel);
const state = new ClusterState();
const panel = $("#details");
const view = {
  namespace: localStorage.getItem("kubelab.namespace") || "",
  colourBy: "owner",
  groupBy: localStorage.getItem("kubelab.groupBy") ?? "topology.kubernetes.io/zone",
  highlight: null,
  onSelect: (kind, ns, name) => showDetails(panel, state, kind, ns, name),
};
const index = new KindIndex(state);  // objects by kind, and what changed each frame
const map = new ClusterMap($("#map"), state, view, index);
const selector = new SelectorBox($("#selector"), $("#selector-error"), () => redraw(true));
const panels = new SidePanels(index, view, selector);
const charts = new Charts($("#chart-phases"), $("#chart-alloc"), index, view);
const flow = new FlowCharts($("#chart-sched"), $("#chart-restarts"), $("#chart-events"), state, view, index);
const overlay = new SchedulingOverlay($("#map"), state);
addSection((info) => (info.kind === "Pod" ? schedulingSection(info, overlay) : null));
addSection((info) => (["Deployment", "ReplicaSet"].includes(info.kind) ? reconcileSection(info) : null));
new LoopControls($("#loop-controls"));

function namespaceOptions() {
  const select = $("#namespace-filter");
  const names = index.byKind("Namespace").map((n) => n.metadata.name).sort();
  const have = [...select.options].slice(1).map((o) => o.value);
  if (have.join() === names.join()) return;
  const keep = select.value;
  select.replaceChildren(select.options[0], ...names.map((n) => new Option(n, n)));
  select.value = names.includes(keep) ? keep : "";
}

// `all`: the view changed, redraw what is shown. `changed`: the keys ClusterState reported
// this frame (none when only the view changed); every part draws only what changed.
function redraw(all, changed = new Set(), full = false) {
  const changes = index.sync(changed, full);
  view.highlight = selector.highlight(index.of("Pod"), changes, view.namespace);
  map.update(changes);
  const matched = view.highlight ? `${view.highlight.size} match` : "";
  if ($("#match-count").textContent !== matched) $("#match-count").textContent = matched;
  panels.update(changes, all);
  if (all || changes.some((c) => c.kind === "Namespace")) namespaceOptions();
  if (all) applyVocabulary($("#sidebar"));
}

state.onRender(({ changed, full }) => redraw(full, changed, full));
// /replay draws a recorded file with this same code and no socket (replay.js feeds it).
const replaying = !!document.querySelector('meta[name="kubelab-replay"]');
const timeline = new Timeline($("#timeline"), state, view, panel, { live: !replaying });
if (!replaying) connect(state, (status) => {
  const badge = $("#connection");
  badge.textContent = status;
  badge.dataset.status = status;
});

$("#namespace-filter").value = view.namespace;
$("#namespace-filter").addEventListener("change", (ev) => {
  view.namespace = ev.target.value;
  localStorage.setItem("kubelab.namespace", view.namespace);
  redraw(true);
});
$("#colour-by").addEventListener("change", (ev) => { view.colourBy = ev.target.value.trim() || "owner"; redraw(false); });
$("#group-by").value = view.groupBy;
$("#group-by").addEventListener("change", (ev) => {
  view.groupBy = ev.target.value.trim();
  localStorage.setItem("kubelab.groupBy", view.groupBy);
  map.zones.replaceChildren();  // regroup from scratch
  map.zoneEls.clear();
  redraw(false);
});
$("#event-filter").addEventListener("input", () => redraw(true));
document.querySelectorAll("[data-tab]").forEach((button) => button.addEventListener("click", () => {
  for (const tab of document.querySelectorAll(".tab")) tab.hidden = tab.id !== button.dataset.tab;
  document.querySelectorAll("[data-tab]").forEach((b) => b.classList.toggle("active", b === button));
  if (button.dataset.tab === "tab-charts") { charts.start(); flow.start(); } else { charts.stop(); flow.stop(); }
  redraw(true);
}));
const closePanel = () => { panel.hidden = true; stopPodIO(); };
$("#details .close").addEventListener("click", closePanel);
document.addEventListener("kubelab:escape", closePanel);
document.addEventListener("kubelab:vocabulary", () => redraw(true));

window.kubelab = { state, view, charts, flow, timeline, map, index };  // for the tests and the benchmark
