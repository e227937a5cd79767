// Facts derived from API objects: pod display state, resource quantities, owners, selectors.

const SUFFIX = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2,
                 Gi: 1024 ** 3, Ti: 1024 ** 4 };

export function quantity(text) {
  if (text === undefined || text === null || text === "") return 0;
  const m = String(text).match(/^([0-9.]+)([a-zA-Z]*)$/);
  if (!m) return 0;
  return parseFloat(m[1]) * (SUFFIX[m[2]] ?? 1);
}

// Remembered per pod object: objects are replaced, never changed, when a pod changes, and
// the map and the charts ask again for each of 10,000 pods.
const requested = new WeakMap();

export function podRequests(pod) {
  let r = requested.get(pod);
  if (r) return r;
  let cpu = 0, memory = 0;
  for (const c of pod.spec?.containers || []) {
    cpu += quantity(c.resources?.requests?.cpu);
    memory += quantity(c.resources?.requests?.memory);
  }
  r = { cpu, memory };
  requested.set(pod, r);
  return r;
}

// One word for what a pod is doing, in the order `kubectl get pods` would show it.
export function podState(pod) {
  const status = pod.status || {};
  if (pod.metadata.deletionTimestamp) return "Terminating";
  if (status.phase === "Failed") return "Failed";
  if (status.phase === "Succeeded") return "Succeeded";
  for (const c of status.containerStatuses || []) {
    const reason = c.state?.waiting?.reason;
    if (reason === "CrashLoopBackOff" || reason === "ContainerCreating" ||
        reason === "ImagePullBackOff" || reason === "ErrImagePull") return reason;
  }
  if (!pod.spec?.nodeName) return "Pending";
  if (status.phase === "Running") {
    const ready = (status.conditions || []).find((c) => c.type === "Ready");
    return ready && ready.status === "True" ? "Ready" : "Running";
  }
  return "ContainerCreating";  // bound to a node, containers not started yet
}

export function pendingReason(pod) {
  const cond = (pod.status?.conditions || []).find((c) => c.type === "PodScheduled");
  return cond && cond.status === "False" ? (cond.message || cond.reason || "") : "";
}

export function ownerName(obj) {
  const refs = obj.metadata.ownerReferences || [];
  const ref = refs.find((r) => r.controller) || refs[0];
  return ref ? `${ref.kind}/${ref.name}` : "";
}

export function nodeReady(node) {
  const c = (node.status?.conditions || []).find((x) => x.type === "Ready");
  return c ? c.status : "Unknown";
}

// Requirements as the server's parser returns them: {key, operator, values}.
export function matches(requirements, labels) {
  labels = labels || {};
  return requirements.every((r) => {
    const present = Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = labels[r.key];
    switch (r.operator) {
      case "=": return present && value === r.values[0];
      case "!=": return !present || value !== r.values[0];
      case "in": return present && r.values.includes(value);
      case "notin": return !present || !r.values.includes(value);
      case "exists": return present;
      default: return !present;  // "!"
    }
  });
}

const OPERATORS = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" };

// A metav1.LabelSelector (or a Service's plain map) as requirements.
export function selectorRequirements(sel, plainMap = false) {
  if (!sel) return null;
  const labels = plainMap ? sel : sel.matchLabels || {};
  const reqs = Object.entries(labels).map(([key, v]) => ({ key, operator: "=", values: [v] }));
  if (!plainMap) {
    for (const e of sel.matchExpressions || []) {
      reqs.push({ key: e.key, operator: OPERATORS[e.operator] || "!", values: e.values || [] });
    }
  }
  return reqs;
}

export function selectorText(reqs) {
  return (reqs || []).map((r) => {
    if (r.operator === "=" || r.operator === "!=") return `${r.key}${r.operator}${r.values[0]}`;
    if (r.operator === "in" || r.operator === "notin") return `${r.key} ${r.operator} (${r.values.join(",")})`;
    return r.operator === "exists" ? r.key : `!${r.key}`;
  }).join(",");
}

// A stable colour per text (owner or label value), so the same owner keeps its colour.
export function colourFor(text) {
  if (!text) return "var(--chip-none)";
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 65% 55%)`;
}
