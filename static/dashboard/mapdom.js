// The map's elements: a node box (header, badges, capacity bars, taints, chips) and a pod
// chip. Each is built once from a template and keeps references to its parts, and every
// setter writes only what differs: at 10,000 chips, querySelector per part and rewriting
// unchanged styles (a custom property invalidates the chip's style) were most of a frame.
import { colourFor, nodeReady, ownerName, pendingReason, podState, quantity } from "./model.js";
import { termSpan } from "./vocab.js";

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

function setText(e, text) { if (e.textContent !== text) e.textContent = text; }

const CHIP = (() => {
  const e = el("button", "pod");
  e.type = "button";
  // The reason is the scheduler's own message, quoted verbatim (api-text): not translated.
  e.append(el("span", "pod-name objname"), el("span", "pod-state"), el("span", "pod-reason api-text"));
  return e;
})();

const RESOURCES = [
  ["cpu", (v) => `${Math.round(v * 1000)}m`],
  ["memory", (v) => `${Math.round(v / 1024 ** 2)}Mi`],
  ["pods", (v) => String(v)],
];

/** A node box; `box.chips` is where its pods go. Clicks are handled by the map (delegated). */
export function nodeBox(name) {
  const e = el("article", "node");
  e.dataset.name = name;
  const head = el("header");
  const title = el("button", "node-name objname", name);
  title.type = "button";
  const badges = el("span", "badges");
  head.append(title, badges);
  const bars = el("div", "bars");
  const rows = RESOURCES.map(([label, fmt]) => {
    const row = el("div", "bar");
    row.dataset.resource = label;
    const caption = label === "pods" ? termSpan("pod", { plural: true, cap: true }) : el("span", "", label);
    const fill = el("span", "fill");
    const track = el("span", "track");
    track.append(fill);
    const value = el("span", "value");
    row.append(caption, track, value);
    bars.append(row);
    return { row, fill, value, fmt, label, pct: -1 };
  });
  const taints = el("div", "taints objname");
  const chips = el("div", "chips");
  e.append(head, bars, taints, chips);
  return { el: e, name, badges, rows, taints, chips, sig: null };
}

/** Conditions, cordon and taints of `node` on its box. */
export function drawNode(box, node) {
  const e = box.el;
  const ready = nodeReady(node);
  e.classList.toggle("not-ready", ready !== "True");
  e.classList.toggle("cordoned", !!node.spec?.unschedulable);
  // As `kubectl get nodes` does: Ready=Unknown (the node stopped reporting) reads NotReady.
  const want = [ready === "True" ? "Ready" : "NotReady"];
  if (e.dataset.ready !== want[0]) e.dataset.ready = want[0];
  for (const c of node.status?.conditions || []) {
    if (c.type !== "Ready" && c.status === "True") want.push(c.type);
  }
  const sig = want.join(",") + (node.spec?.unschedulable ? ",cordoned" : "");
  if (box.sig !== sig) {
    box.sig = sig;
    box.badges.replaceChildren(...want.map((w) => el("span", `badge ${w === "Ready" ? "ok" : "bad"}`, w)));
    if (node.spec?.unschedulable) {
      const b = el("span", "badge warn");
      b.append(termSpan("cordon"), "ed");
      box.badges.append(b);
    }
  }
  const taints = (node.spec?.taints || []).map((t) => `${t.key}${t.value ? "=" + t.value : ""}:${t.effect}`);
  setText(box.taints, taints.join("  "));
}

/** The capacity bars: `used` {cpu, memory, pods} against the node's allocatable. */
export function drawBars(box, node, used) {
  const alloc = node.status?.allocatable || node.status?.capacity || {};
  for (const r of box.rows) {
    const value = used[r.label];
    const total = quantity(alloc[r.label]);
    const pct = total ? Math.max(0, Math.min(100, (100 * value) / total)) : 0;
    if (r.pct !== pct) {
      r.pct = pct;
      r.fill.style.width = `${pct}%`;
      r.row.classList.toggle("full", pct >= 90);
    }
    setText(r.value, `${r.fmt(value)} / ${total ? r.fmt(total) : "?"}`);
  }
}

/** A new chip for a pod (its fields are drawn by drawChip). */
export function newChip(ns, name) {
  const e = CHIP.cloneNode(true);
  e.dataset.ns = ns;
  e.dataset.name = name;
  e.firstChild.textContent = name;
  return e;
}

/** State, reason, colour, tooltip and highlight of a chip; writes only what differs, and
 * compares with what it wrote last (kept on the element) rather than reading the DOM. */
export function drawChip(e, pod, { pendingLane, colourBy, matched }) {
  const state = podState(pod);
  if (e._state !== state) {
    e._state = state;
    e.dataset.state = state;
    e.children[1].textContent = state;
  }
  const reason = pendingLane ? pendingReason(pod) : "";
  if ((e._reason ?? "") !== reason) { e._reason = reason; e.children[2].textContent = reason; }
  const labels = pod.metadata.labels || {};
  const owner = ownerName(pod);
  const colour = colourFor(colourBy === "owner" ? owner : labels[colourBy.replace(/^label:/, "")] || "");
  if (e._colour !== colour) { e._colour = colour; e.style.setProperty("--chip", colour); }
  let labelText = "";
  for (const k in labels) labelText += `${labelText ? "\n" : ""}${k}=${labels[k]}`;
  const title = `${pod.metadata.namespace}/${pod.metadata.name}\n${state}\n` +
    `owner: ${owner || "(none)"}\nlabels:\n${labelText || "(none)"}`;
  if (e._title !== title) { e._title = title; e.title = title; }
  if (e._matched !== matched) {
    e._matched = matched;
    e.classList.toggle("match", matched === true);
    e.classList.toggle("dim", matched === false);
  }
}
