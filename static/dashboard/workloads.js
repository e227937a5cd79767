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
export function overlaps(controllers, pods) {
  const found = new Map();
  for (let i = 0; i < controllers.length; i++) {
    for (let j = i + 1; j < controllers.length; j++) {
      const a = controllers[i], b = controllers[j];
      if (a.metadata.namespace !== b.metadata.namespace || ownedBy(a, b) || ownedBy(b, a)) continue;
      const ra = selectorRequirements(a.spec?.selector), rb = selectorRequirements(b.spec?.selector);
      if (!ra?.length || !rb?.length) continue;
      const common = pods.some((p) => p.metadata.namespace === a.metadata.namespace &&
        matches(ra, p.metadata.labels) && matches(rb, p.metadata.labels));
      const la = a.spec.selector.matchLabels || {}, lb = b.spec.selector.matchLabels || {};
      const subset = (x, y) => Object.keys(x).length > 0 && !(a.spec.selector.matchExpressions || []).length &&
        !(b.spec.selector.matchExpressions || []).length && Object.entries(x).every(([k, v]) => y[k] === v);
      if (common || subset(la, lb) || subset(lb, la)) {
        for (const [x, y] of [[a, b], [b, a]]) {
          const key = `${x.kind}/${x.metadata.namespace}/${x.metadata.name}`;
          found.set(key, [...(found.get(key) || []), `${y.kind} ${y.metadata.name}`]);
        }
      }
    }
  }
  return found;
}

export function renderWorkloads(box, state, view, selectorBox) {
  const ns = view.namespace;
  const inNs = (o) => !ns || o.metadata.namespace === ns;
  const pods = state.byKind("Pod").filter(inNs);
  const controllers = CONTROLLERS.flatMap((k) => state.byKind(k)).filter(inNs);
  const flagged = overlaps(controllers, pods);
  const rows = [];
  for (const obj of [...state.byKind("Deployment"), ...state.byKind("ReplicaSet"), ...state.byKind("Service")]) {
    if (!inNs(obj)) continue;
    const isService = obj.kind === "Service";
    const reqs = selectorRequirements(obj.spec?.selector, isService);
    const text = selectorText(reqs);
    const selected = reqs && reqs.length ? pods.filter((p) => p.metadata.namespace === obj.metadata.namespace &&
      matches(reqs, p.metadata.labels)).length : 0;
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
