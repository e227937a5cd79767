// The side list of Deployments, ReplicaSets and Services: each selector, how many pods it
// selects (click to light them up), scale buttons, and a flag where two controllers in
// one namespace select the same pods.
import { confirmAction, scale } from "./actions.js";
import { matches, selectorRequirements, selectorText } from "./model.js";
import { termSpan } from "./vocab.js";

const CONTROLLERS = ["Deployment", "ReplicaSet"];

function ownedBy(child, parent) {
  return (child.metadata.ownerReferences || []).some((r) => r.uid === parent.metadata.uid);
}

// Controllers in one namespace whose selectors pick at least one common pod, or where one
// selector's labels contain the other's (they will collide as soon as such a pod exists).
// `pickers`: pod key -> the controllers that select it (from selections()), so a common
// pod costs one look per pod instead of one per pair of controllers and pod.
export function overlaps(controllers, pickers) {
  const found = new Map();
  const flag = (a, b) => {
    for (const [x, y] of [[a, b], [b, a]]) {
      const key = `${x.kind}/${x.metadata.namespace}/${x.metadata.name}`;
      const have = found.get(key) || [];
      if (!have.includes(`${y.kind} ${y.metadata.name}`)) found.set(key, [...have, `${y.kind} ${y.metadata.name}`]);
    }
  };
  const related = (a, b) => a.metadata.namespace !== b.metadata.namespace || ownedBy(a, b) || ownedBy(b, a);
  for (const list of pickers.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) if (!related(list[i], list[j])) flag(list[i], list[j]);
    }
  }
  const plain = (c) => !(c.spec.selector.matchExpressions || []).length;
  const subset = (x, y) => Object.keys(x).length > 0 && Object.entries(x).every(([k, v]) => y[k] === v);
  for (let i = 0; i < controllers.length; i++) {
    for (let j = i + 1; j < controllers.length; j++) {
      const a = controllers[i], b = controllers[j];
      if (related(a, b) || !a.spec?.selector || !b.spec?.selector || !plain(a) || !plain(b)) continue;
      const la = a.spec.selector.matchLabels || {}, lb = b.spec.selector.matchLabels || {};
      if (subset(la, lb) || subset(lb, la)) flag(a, b);
    }
  }
  return found;
}

// For each object, how many pods of its namespace its selector picks; for controllers,
// also which controllers pick each pod (for overlaps()).
function selections(objects, pods) {
  const byNs = new Map();
  for (const [key, p] of pods) {
    const ns = p.metadata.namespace;
    if (!byNs.has(ns)) byNs.set(ns, []);
    byNs.get(ns).push([key, p]);
  }
  const counts = new Map(), pickers = new Map();
  for (const obj of objects) {
    const isService = obj.kind === "Service";
    const reqs = selectorRequirements(obj.spec?.selector, isService);
    let n = 0;
    if (reqs && reqs.length) {
      for (const [key, p] of byNs.get(obj.metadata.namespace) || []) {
        if (!matches(reqs, p.metadata.labels)) continue;
        n += 1;
        if (isService) continue;
        if (!pickers.has(key)) pickers.set(key, []);
        pickers.get(key).push(obj);
      }
    }
    counts.set(obj, { reqs, selected: n });
  }
  return { counts, pickers };
}

/** The list, from `index` (index.js); drawn whole, so the caller throttles it. */
export function renderWorkloads(box, index, view, selectorBox) {
  const ns = view.namespace;
  const inNs = (o) => !ns || o.metadata.namespace === ns;
  const pods = new Map([...index.of("Pod")].filter(([, p]) => inNs(p)));
  const objects = ["Deployment", "ReplicaSet", "Service"].flatMap((k) => index.byKind(k)).filter(inNs);
  const { counts, pickers } = selections(objects, pods);
  const flagged = overlaps(objects.filter((o) => CONTROLLERS.includes(o.kind)), pickers);
  // Unchanged (the usual case in a burst of pod changes): leave the DOM alone, as any
  // write here lays out the sidebar, and with it the page beside a thousand node boxes.
  const sig = JSON.stringify(objects.map((o) => [o.kind, o.metadata.namespace, o.metadata.name,
    o.metadata.resourceVersion, counts.get(o).selected, flagged.get(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)]));
  if (box._sig === sig && box.isConnected) return;
  box._sig = sig;
  const rows = [];
  for (const obj of objects) {
    const isService = obj.kind === "Service";
    const { reqs, selected } = counts.get(obj);
    const text = selectorText(reqs);
    const row = document.createElement("li");
    row.className = "workload";
    row.dataset.kind = obj.kind;
    row.dataset.name = obj.metadata.name;
    const head = document.createElement("div");
    const name = document.createElement("button");
    name.type = "button";
    name.className = "objname link";
    name.textContent = `${obj.metadata.namespace}/${obj.metadata.name}`;
    name.addEventListener("click", () => view.onSelect(obj.kind, obj.metadata.namespace, obj.metadata.name));
    head.append(termSpan(obj.kind.toLowerCase()), " ", name);
    row.append(head);
    const sel = document.createElement("button");
    sel.type = "button";
    sel.className = "selector-link";
    sel.title = "Light up the pods this selects";
    sel.append(termSpan("selector", { cap: true }), `: `);
    const code = document.createElement("code");
    code.className = "objname";
    code.textContent = text || "(none)";
    sel.append(code, ` → ${selected} `, termSpan("pod", { plural: selected !== 1 }));
    if (text) sel.addEventListener("click", () => selectorBox.set(text));
    row.append(sel);
    if (isService) {
      const ip = document.createElement("div");
      ip.className = "muted objname";
      const ports = (obj.spec?.ports || []).map((p) => `${p.port}${p.nodePort ? ":" + p.nodePort : ""}/${p.protocol || "TCP"}`);
      ip.textContent = `${obj.spec?.clusterIP || ""} ${ports.join(" ")}`;
      row.append(ip);
    } else {
      const want = obj.spec?.replicas ?? 1;
      const ctl = document.createElement("div");
      ctl.className = "scale";
      const minus = document.createElement("button");
      minus.type = "button"; minus.textContent = "−"; minus.className = "scale-down";
      minus.title = "Scale down by one";
      minus.disabled = want <= 0;
      minus.addEventListener("click", async () => {
        // Scaling to zero stops every pod: ask first.
        if (want - 1 > 0 || await confirmAction(`Scale ${obj.metadata.name} to 0? All its pods stop.`)) {
          scale(obj.kind, obj.metadata.namespace, obj.metadata.name, want - 1);
        }
      });
      const count = document.createElement("span");
      count.className = "replicas";
      count.dataset.want = String(want);
      count.textContent = `${obj.status?.readyReplicas ?? 0}/${want} ready`;
      const plus = document.createElement("button");
      plus.type = "button"; plus.textContent = "+"; plus.className = "scale-up";
      plus.title = "Scale up by one";
      plus.addEventListener("click", () => scale(obj.kind, obj.metadata.namespace, obj.metadata.name, want + 1));
      ctl.append(minus, count, plus);
      row.append(ctl);
    }
    const clash = flagged.get(`${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}`);
    if (clash) {
      const warn = document.createElement("div");
      warn.className = "overlap";
      warn.append("⚠ ", termSpan("selector", { cap: true }), ` overlaps with ${clash.join(", ")}: both will fight over the same `, termSpan("pod", { plural: true }));
      row.append(warn);
    }
    rows.push(row);
  }
  box.replaceChildren(...rows);
  if (!rows.length) box.append(Object.assign(document.createElement("li"), { className: "muted", textContent: "Nothing here yet." }));
}
