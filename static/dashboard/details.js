// The details panel: YAML, conditions, events, owner chain, why a pod is pending, the
// scheduler's decision when one is recorded, and the actions that fit the object.
import * as actions from "./actions.js";
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

function actionsFor(info, obj) {
  const box = el("div", "detail-actions");
  const { kind, namespace, name } = info;
  const button = (label, fn, cls = "") => {
    const b = el("button", cls, label);
    b.type = "button";
    b.addEventListener("click", fn);
    box.append(b);
  };
  if (kind === "Pod") button("Delete", () => actions.deletePod(namespace, name), "danger");
  if (kind === "Node") {
    const cordoned = !!obj?.spec?.unschedulable;
    button(cordoned ? "Uncordon" : "Cordon", () => actions.cordon(name, !cordoned));
  }
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

export async function showDetails(panel, state, kind, namespace, name) {
  const body = panel.querySelector(".panel-body");
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
  const parts = [title, actionsFor(info, state.get(kind, namespace, name))];
  if (info.pendingReason) parts.push(section("Why pending", el("p", "reason", info.pendingReason)));
  if (info.decision) parts.push(section("Scheduler decision", el("pre", "objname", JSON.stringify(info.decision, null, 2))));
  if (info.owners.length) {
    parts.push(section("Owner chain", el("p", "objname",
      [name, ...info.owners.map((o) => `${o.kind}/${o.name}${o.found ? "" : " (gone)"}`)].join(" → "))));
  }
  if (info.conditions.length) parts.push(section("Conditions", table(info.conditions, ["type", "status", "reason", "message"])));
  parts.push(section("Events", info.events.length ? table(info.events, ["time", "type", "reason", "message"])
    : el("p", "muted", "None recorded.")));
  if (kind === "Pod") parts.push(section("Logs and terminal", el("p", "muted", "Not available in this build yet.")));
  const yaml = el("pre", "yaml objname", info.yaml);
  parts.push(section("YAML", yaml));
  body.replaceChildren(...parts);
}
