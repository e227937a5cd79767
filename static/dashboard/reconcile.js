// The reconcile view in a Deployment's or ReplicaSet's details: desired versus observed
// replicas, its ReplicaSets, what waits while the controllers are paused, and the
// controllers' recent reconciles on a timeline (newest first), polled while it is shown.
import { getJSON, post, toast } from "./actions.js";
import { termSpan, word } from "./vocab.js";

const POLL_MS = 700;
const DELAYS = [0, 0.5, 1, 2, 5];
const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};
const clock = (t) => new Date(t * 1000).toISOString().slice(11, 23);
const show = (v) => (v === null || v === undefined ? "–" : typeof v === "object" ? Object.entries(v).map(([k, x]) => `${k} ${x}`).join(", ") : String(v));

function counts(desired, observed) {
  const row = el("p", "replica-counts");
  row.dataset.desired = String(desired);
  row.dataset.replicas = String(observed.replicas);
  row.dataset.ready = String(observed.ready);
  row.dataset.available = String(observed.available);
  row.dataset.updated = String(observed.updated);
  row.append(el("strong", "", `desired ${desired}`), " · observed: ",
    `${observed.replicas} ${word("pod", { plural: observed.replicas !== 1 })}, ${observed.ready} ready, ` +
    `${observed.available} available, ${observed.updated} updated`);
  return row;
}

function replicaSets(list) {
  const t = el("table", "small replicasets");
  for (const rs of list) {
    const tr = el("tr");
    tr.dataset.name = rs.name;
    tr.append(el("td", "objname", rs.name), el("td", "", `rev ${rs.revision ?? "?"}`),
      el("td", "", `desired ${rs.desired}`), el("td", "", `observed ${rs.observed.replicas}, ready ${rs.observed.ready}`));
    t.append(tr);
  }
  return t;
}

function timeline(records) {
  const list = el("ol", "reconcile-timeline");
  for (const r of [...records].reverse()) {
    const li = el("li", "record");
    Object.assign(li.dataset, { controller: r.controller, key: r.key, result: r.result, time: String(r.time) });
    li.append(el("span", "when", clock(r.time)), " ", el("span", "who objname", `${r.controller} ${r.key}`), " ");
    if (r.stepped) li.append(el("span", "badge warn", "step"), " ");
    li.append(el("span", `result badge ${r.result === "done" ? "ok" : "bad"}`, r.result), " ",
      el("span", "desired-observed", `desired ${show(r.desired)} → observed ${show(r.observed)}`));
    const acts = el("ul", "record-actions");
    for (const a of r.actions || []) acts.append(el("li", "action", a));
    if ((r.actionCount || 0) > (r.actions || []).length) acts.append(el("li", "muted", `… ${r.actionCount - r.actions.length} more`));
    if (!acts.children.length) acts.append(el("li", "muted", "no change needed"));
    li.append(acts);
    list.append(li);
  }
  return list;
}

function render(box, data, buttons) {
  const parts = [counts(data.desired, data.observed)];
  if (data.replicaSets.length) parts.push(replicaSets(data.replicaSets));
  const sw = data.switches;
  const state = el("p", "loop-state");
  state.dataset.paused = String(sw.paused);
  const loops = word("controller", { plural: true, cap: true });
  state.append(sw.paused ? `${loops} paused.` : `${loops} running.`,
    sw.delaySeconds ? ` Slow motion: ${sw.delaySeconds}s per action.` : "");
  if (sw.paused) {
    state.append(" Waiting: ", el("span", "waiting objname",
      data.waiting.map((w) => `${w.controller} ${w.key}`).join(", ") || "nothing"));
  }
  const { pause, step, slow } = buttons;
  pause.dataset.paused = String(sw.paused);
  pause.textContent = sw.paused ? "Resume" : "Pause";
  step.disabled = !sw.paused;
  const delay = String(sw.delaySeconds);
  if (![...slow.options].some((o) => o.value === delay)) slow.append(new Option(`slow ${delay}s`, delay));
  if (document.activeElement !== slow) slow.value = delay;
  parts.push(state, el("h4", "", "Recent reconciles"),
    data.records.length ? timeline(data.records) : el("p", "muted", "None recorded yet."));
  box.replaceChildren(...parts);
}

export function reconcileSection(info) {
  const { kind, namespace, name } = info;
  const s = el("section", "detail-section reconcile-view");
  s.dataset.kind = kind;
  const h = el("h3");
  h.append(termSpan("controller", { cap: true }), " loop");
  const box = el("div", "reconcile-body", "Loading…");
  const send = async (path, body, done) => {
    try { const got = await post(path, body); toast(done(got)); } catch (err) { toast(err.message, true); }
  };
  const controls = el("div", "detail-actions loop-buttons");
  const pause = el("button", "rv-pause", "Pause");
  pause.type = "button";
  pause.addEventListener("click", () => {
    const paused = pause.dataset.paused !== "true";
    send("/ui/controllers/set", { paused }, () => `${word("controller", { plural: true })} ${paused ? "paused" : "resumed"}`);
  });
  const step = el("button", "step-workload", "Step");
  step.type = "button";
  step.title = `While paused: let exactly one waiting reconcile of this ${word(kind.toLowerCase())} through`;
  step.addEventListener("click", () => send("/ui/controllers/step", { kind, namespace, name }, (got) => got.message));
  const slow = el("select", "rv-delay");
  slow.title = "Slow motion: a pause before each action a controller takes";
  for (const d of DELAYS) slow.append(new Option(d ? `slow ${d}s` : "full speed", String(d)));
  slow.addEventListener("change", () => send("/ui/controllers/set", { delaySeconds: Number(slow.value) },
    () => "slow motion changed"));
  controls.append(pause, step, slow);
  s.append(h, controls, box);
  let sig = "";
  let started = false;
  const url = `/ui/reconciles/${kind}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  const tick = async () => {
    // Closed, or the panel moved on to another object: stop polling.
    if (started && (!s.isConnected || s.closest("[hidden]"))) return;
    started = true;  // the first tick runs before the panel attaches the section
    try {
      const data = await getJSON(url);
      const now = JSON.stringify(data);
      if (now !== sig) { sig = now; render(box, data, { pause, step, slow }); }
    } catch (err) {
      box.replaceChildren(el("p", "error", err.message));
      sig = "";
    }
    setTimeout(tick, POLL_MS);
  };
  tick();
  return s;
}
