// The cluster map: nodes as boxes (grouped by a label such as the zone), pods as chips in
// their node, unscheduled pods in the pending lane. Elements are keyed and reused, so a
// frame only touches what changed in the DOM.
import { colourFor, nodeReady, ownerName, pendingReason, podRequests, podState, quantity }
  from "./model.js";
import { keyOf } from "./state.js";
import { termSpan } from "./vocab.js";

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

function setText(e, text) { if (e.textContent !== text) e.textContent = text; }
function setAttr(e, name, value) { if (e.getAttribute(name) !== value) e.setAttribute(name, value); }

export class ClusterMap {
  constructor(root, state, view) {
    this.root = root;
    this.state = state;
    this.view = view;  // {namespace, colourBy, groupBy, highlight: Set|null, onSelect}
    this.nodeEls = new Map();
    this.podEls = new Map();
    this.zoneEls = new Map();
    this.pendingChips = root.querySelector("#pending-lane .chips");
    this.pendingCount = root.querySelector("#pending-lane .count");
    this.zones = root.querySelector("#zones");
    this.empty = root.querySelector("#no-nodes");
  }

  visiblePods() {
    const ns = this.view.namespace;
    return this.state.byKind("Pod").filter((p) => !ns || p.metadata.namespace === ns);
  }

  render() {
    const nodes = this.state.byKind("Node").sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const pods = this.visiblePods();
    const usage = new Map();  // node name -> {cpu, memory, pods} from every namespace
    for (const p of this.state.byKind("Pod")) {
      const node = p.spec?.nodeName;
      if (!node || ["Succeeded", "Failed"].includes(p.status?.phase)) continue;
      const u = usage.get(node) || { cpu: 0, memory: 0, pods: 0 };
      const r = podRequests(p);
      u.cpu += r.cpu; u.memory += r.memory; u.pods += 1;
      usage.set(node, u);
    }
    const seenNodes = new Set();
    for (const node of nodes) {
      seenNodes.add(node.metadata.name);
      this.renderNode(node, usage.get(node.metadata.name) || { cpu: 0, memory: 0, pods: 0 });
    }
    for (const [name, e] of this.nodeEls) {
      if (!seenNodes.has(name)) { e.remove(); this.nodeEls.delete(name); }
    }
    for (const [zone, e] of this.zoneEls) {
      if (!e.querySelector(".node")) { e.remove(); this.zoneEls.delete(zone); }
    }
    this.empty.hidden = nodes.length > 0;
    const seenPods = new Set();
    let pending = 0;
    for (const pod of pods) {
      const key = keyOf("Pod", pod.metadata.namespace, pod.metadata.name);
      seenPods.add(key);
      const nodeEl = this.nodeEls.get(pod.spec?.nodeName || "");
      const parent = nodeEl ? nodeEl.querySelector(".chips") : this.pendingChips;
      if (!nodeEl) pending += 1;
      this.renderPod(pod, key, parent, !nodeEl);
    }
    for (const [key, e] of this.podEls) {
      if (!seenPods.has(key)) {
        this.podEls.delete(key);
        e.classList.add("leaving");
        setTimeout(() => e.remove(), 250);
      }
    }
    setText(this.pendingCount, String(pending));
  }

  zoneFor(node) {
    const key = this.view.groupBy;
    const zone = key ? (node.metadata.labels || {})[key] || "(none)" : "";
    let z = this.zoneEls.get(zone);
    if (!z) {
      z = el("section", "zone");
      z.dataset.zone = zone;
      const h = el("h3", "zone-name objname", zone ? `${key}=${zone}` : "");
      h.hidden = !zone;
      z.append(h, el("div", "nodes"));
      this.zones.append(z);
      this.zoneEls.set(zone, z);
    }
    return z.querySelector(".nodes");
  }

  renderNode(node, used) {
    const name = node.metadata.name;
    let e = this.nodeEls.get(name);
    if (!e) {
      e = el("article", "node");
      e.dataset.name = name;
      const head = el("header");
      const title = el("button", "node-name objname", name);
      title.type = "button";
      title.addEventListener("click", () => this.view.onSelect("Node", "", name));
      head.append(title, el("span", "badges"));
      e.append(head, el("div", "bars"), el("div", "taints objname"), el("div", "chips"));
      this.nodeEls.set(name, e);
    }
    const parent = this.zoneFor(node);
    if (e.parentElement !== parent) parent.append(e);
    const alloc = node.status?.allocatable || node.status?.capacity || {};
    const ready = nodeReady(node);
    e.classList.toggle("not-ready", ready !== "True");
    e.classList.toggle("cordoned", !!node.spec?.unschedulable);
    const badges = e.querySelector(".badges");
    // As `kubectl get nodes` does: Ready=Unknown (the node stopped reporting) reads NotReady.
    const want = [ready === "True" ? "Ready" : "NotReady"];
    e.dataset.ready = ready === "True" ? "Ready" : "NotReady";
    for (const c of node.status?.conditions || []) {
      if (c.type !== "Ready" && c.status === "True") want.push(c.type);
    }
    const sig = want.join(",") + (node.spec?.unschedulable ? ",cordoned" : "");
    if (badges.dataset.sig !== sig) {
      badges.dataset.sig = sig;
      badges.replaceChildren(...want.map((w) => el("span", `badge ${w === "Ready" ? "ok" : "bad"}`, w)));
      if (node.spec?.unschedulable) {
        const b = el("span", "badge warn");
        b.append(termSpan("cordon"), "ed");
        badges.append(b);
      }
    }
    const bars = [
      ["cpu", used.cpu, quantity(alloc.cpu), (v) => `${Math.round(v * 1000)}m`],
      ["memory", used.memory, quantity(alloc.memory), (v) => `${Math.round(v / 1024 ** 2)}Mi`],
      ["pods", used.pods, quantity(alloc.pods), (v) => String(v)],
    ];
    const barBox = e.querySelector(".bars");
    if (!barBox.children.length) {
      for (const [label] of bars) {
        const row = el("div", "bar");
        row.dataset.resource = label;
        const name = label === "pods" ? termSpan("pod", { plural: true, cap: true }) : el("span", "", label);
        row.append(name, el("span", "track"), el("span", "value"));
        row.querySelector(".track").append(el("span", "fill"));
        barBox.append(row);
      }
    }
    bars.forEach(([, value, total, fmt], i) => {
      const row = barBox.children[i];
      const pct = total ? Math.min(100, (100 * value) / total) : 0;
      row.querySelector(".fill").style.width = `${pct}%`;
      row.classList.toggle("full", pct >= 90);
      setText(row.querySelector(".value"), `${fmt(value)} / ${total ? fmt(total) : "?"}`);
    });
    const taints = (node.spec?.taints || []).map((t) => `${t.key}${t.value ? "=" + t.value : ""}:${t.effect}`);
    setText(e.querySelector(".taints"), taints.join("  "));
  }

  renderPod(pod, key, parent, pendingLane) {
    let e = this.podEls.get(key);
    if (!e) {
      e = el("button", "pod new");
      e.type = "button";
      e.dataset.ns = pod.metadata.namespace;
      e.dataset.name = pod.metadata.name;
      // The reason is the scheduler's own message, quoted verbatim (api-text): not translated.
      e.append(el("span", "pod-name objname"), el("span", "pod-state"), el("span", "pod-reason api-text"));
      e.addEventListener("click", () => this.view.onSelect("Pod", e.dataset.ns, e.dataset.name));
      setTimeout(() => e.classList.remove("new"), 400);
      this.podEls.set(key, e);
    }
    if (e.parentElement !== parent) parent.append(e);
    const state = podState(pod);
    setAttr(e, "data-state", state);
    setText(e.querySelector(".pod-name"), pod.metadata.name);
    setText(e.querySelector(".pod-state"), state);
    setText(e.querySelector(".pod-reason"), pendingLane ? pendingReason(pod) : "");
    const labels = pod.metadata.labels || {};
    const colourKey = this.view.colourBy === "owner" ? ownerName(pod)
      : labels[this.view.colourBy.replace(/^label:/, "")] || "";
    e.style.setProperty("--chip", colourFor(colourKey));
    const labelText = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join("\n") || "(none)";
    setAttr(e, "title", `${pod.metadata.namespace}/${pod.metadata.name}\n${state}\n` +
      `owner: ${ownerName(pod) || "(none)"}\nlabels:\n${labelText}`);
    const hl = this.view.highlight;
    e.classList.toggle("match", !!hl && hl.has(key));
    e.classList.toggle("dim", !!hl && !hl.has(key));
  }
}
