// The details panel: YAML, conditions, events, owner chain, why a pod is pending, the
// scheduler's decision when one is recorded, and the actions that fit the object.
import * as actions from "./actions.js";
import { podIO, stopPodIO } from "./podio.js";
import { termSpan } from "./vocab.js";

const el = (tag, cls, text) => Object.assign(document.createElement(tag), cls ? { className: cls } : {},
  text !== undefined ? { textContent: text } : {});

function section(title, ...children) {
  const s = el("section", "detail-section");
  s.append(el("h3", "", title), ...children);
  return s;
}

function table(rows, cols) {
  const t = el("table", "small");
  t.append(...rows.map((r) => {
    const tr = el("tr");
    tr.append(...cols.map((c) => el("td", "", String(r[c] ?? ""))));
    return tr;
  }));
  return t;
}

const SIMULATED = "kubelab.io/simulated";

function nodeActions(button, name, obj, killed, refresh) {
  const cordoned = !!obj?.spec?.unschedulable;
  button(cordoned ? "Uncordon" : "Cordon", () => actions.cordon(name, !cordoned));
  button("Drain", () => actions.drain(name), "danger drain");
  const simulated = obj?.metadata?.labels?.[SIMULATED] === "true";
  const dead = killed.has(name);
  // Killed is a setting, not part of the Node: re-read it so the button flips.
  const b = button(dead ? "Revive" : "Kill", async () => { await actions.killNode(name, !dead); refresh(); },
    dead ? "revive" : "danger kill");
  b.title = simulated ? "Simulated: it stops renewing its lease, as a machine that lost power would."
    : "Docker: the kill is recorded (nodes.killed in kube-system/kubelab-settings) but this "
      + "kubelet does not honour it yet, so the node keeps running.";
}

function deploymentActions(box, button, namespace, name, obj) {
  button("Restart", () => actions.restart(namespace, name), "restart");
  const containers = obj?.spec?.template?.spec?.containers || [];
  const image = el("input", "image-input objname");
  image.value = containers[0]?.image || "";
  image.title = `new image for container ${containers[0]?.name || ""}`;
  box.append(image);
  button("Set image", () => actions.setImage(namespace, name, containers[0]?.name || "", image.value.trim()), "set-image");
}

function actionsFor(info, obj, killed, refresh) {
  const box = el("div", "detail-actions");
  const { kind, namespace, name } = info;
  const button = (label, fn, cls = "") => {
    const b = el("button", cls, label);
    b.type = "button";
    b.addEventListener("click", fn);
    box.append(b);
    return b;
  };
  if (kind === "Pod") button("Delete", () => actions.deletePod(namespace, name), "danger");
  if (kind === "Node") nodeActions(button, name, obj, killed, refresh);
  if (kind === "Deployment") deploymentActions(box, button, namespace, name, obj);
  if (kind === "Deployment" || kind === "ReplicaSet") {
    const input = el("input");
    input.type = "number"; input.min = "0"; input.className = "replicas-input";
    input.value = String(obj?.spec?.replicas ?? 1);
    box.append(input);
    button("Scale", () => actions.scale(kind, namespace, name, Number(input.value)));
  }
  if (["Pod", "Node", "Deployment", "ReplicaSet", "Service", "Namespace"].includes(kind)) {
    const area = el("textarea", "labels-input objname");
    area.rows = 3;
    area.value = Object.entries(obj?.metadata?.labels || {}).map(([k, v]) => `${k}=${v}`).join("\n");
    const save = el("button", "", "Save ");
    save.type = "button";
    save.append(termSpan("label", { plural: true }));
    save.addEventListener("click", () => {
      const labels = {};
      for (const line of area.value.split("\n").map((l) => l.trim()).filter(Boolean)) {
        const at = line.indexOf("=");
        labels[at < 0 ? line : line.slice(0, at).trim()] = at < 0 ? "" : line.slice(at + 1).trim();
      }
      actions.setLabels(kind, namespace, name, labels);
    });
    box.append(area, save);
  }
  return box;
}

export { stopPodIO };

// Sections other modules add (the scheduling overlay, the reconcile view):
// fn(info, obj) returns an element, or null when it has nothing for this object.
const extraSections = [];
export function addSection(fn) { extraSections.push(fn); }

export async function showDetails(panel, state, kind, namespace, name) {
  const body = panel.querySelector(".panel-body");
  stopPodIO();  // the previous object's log tail and terminal
  panel.hidden = false;
  body.replaceChildren(el("p", "muted", "Loading…"));
  let info;
  try {
    info = await actions.getJSON(`/ui/object/${kind}/${namespace || "_"}/${encodeURIComponent(name)}`);
  } catch (err) {
    body.replaceChildren(el("p", "error", err.message));
    return;
  }
  const title = el("h2");
  title.append(termSpan(kind.toLowerCase(), { cap: true }), " ", el("span", "objname", namespace ? `${namespace}/${name}` : name));
  const killed = kind === "Node" ? await actions.killedNodes().catch(() => new Set()) : new Set();
  const refresh = () => { if (!panel.hidden) showDetails(panel, state, kind, namespace, name); };
  const parts = [title, actionsFor(info, state.get(kind, namespace, name), killed, refresh)];
  for (const fn of extraSections) {
    const extra = fn(info, state.get(kind, namespace, name));
    if (extra) parts.push(extra);
  }
  // "Why pending?" is the scheduling section's (schedpanel.js), grouped by reason.
  if (info.decision) parts.push(section("Scheduler decision", el("pre", "objname", decisionText(info.decision))));
  if (info.owners.length) {
    parts.push(section("Owner chain", el("p", "objname",
      [name, ...info.owners.map((o) => `${o.kind}/${o.name}${o.found ? "" : " (gone)"}`)].join(" → "))));
  }
  if (info.conditions.length) parts.push(section("Conditions", table(info.conditions, ["type", "status", "reason", "message"])));
  parts.push(section("Events", info.events.length ? table(info.events, ["time", "type", "reason", "message"])
    : el("p", "muted", "None recorded.")));
  if (kind === "Pod") parts.push(section("Logs and terminal", podIO(namespace, name)));
  const yaml = el("pre", "yaml objname", info.yaml);
  parts.push(section("YAML", yaml));
  body.replaceChildren(...parts);
}

/** The decision as indented JSON, with its score columns (lists of numbers or plugin
 * names, one per plugin) kept on one line each instead of one line per value. */
function decisionText(decision) {
  return JSON.stringify(decision, null, 2).replace(
    /\[\s*\n\s*((?:(?:-?[\d.e+]+|"[^"\n]*"),\s*\n\s*)*(?:-?[\d.e+]+|"[^"\n]*"))\s*\n\s*\]/g,
    (_, inner) => `[${inner.split(/,\s*\n\s*/).join(", ")}]`);
}
