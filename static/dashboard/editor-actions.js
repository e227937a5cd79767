// The editor's buttons: Diff, Apply (like kubectl apply) and Delete, and how their
// answers are shown. Errors land in the same list and underlines as validation.
import { confirmAction, post, toast } from "./actions.js";
import { word } from "./vocab.js";
import { beginAction, requestBody, setStatus, showErrors } from "./editor-lint.js";

const TERM_OF_KIND = {
  Pod: "pod", Deployment: "deployment", ReplicaSet: "replicaset", Service: "service",
  Namespace: "namespace", Node: "node", PriorityClass: "priorityclass", Endpoints: "endpoints",
  Lease: "lease", Event: "event",
};

function kindWord(kind) {
  return TERM_OF_KIND[kind] ? word(TERM_OF_KIND[kind]) : kind;
}

function clearOutput() {
  document.getElementById("editor-results").replaceChildren();
  document.getElementById("editor-diff").replaceChildren();
}

function renderResults(results) {
  const list = document.getElementById("editor-results");
  list.replaceChildren();
  for (const r of results) {
    const li = document.createElement("li");
    Object.assign(li.dataset, { kind: r.kind, namespace: r.namespace, name: r.name, outcome: r.outcome });
    const outcome = document.createElement("span");
    outcome.className = "outcome";
    outcome.textContent = r.outcome;
    const where = r.namespace ? ` in ${r.namespace}` : "";
    li.append(`${kindWord(r.kind)} ${r.name}${where} `, outcome);
    list.append(li);
  }
}

function diffLine(line) {
  const span = document.createElement("span");
  if (line.startsWith("+") && !line.startsWith("+++")) span.className = "diff-add";
  else if (line.startsWith("-") && !line.startsWith("---")) span.className = "diff-del";
  else if (line.startsWith("@@")) span.className = "diff-hunk";
  span.textContent = line + "\n";
  return span;
}

function renderDiffs(diffs) {
  const box = document.getElementById("editor-diff");
  box.replaceChildren();
  for (const d of diffs) {
    const h = document.createElement("h3");
    const label = d.outcome === "created" ? "new" : d.outcome === "unchanged" ? "no change" : "changes";
    h.textContent = `${kindWord(d.kind)} ${d.name}: ${label}`;
    const pre = document.createElement("pre");
    Object.assign(pre.dataset, { kind: d.kind, name: d.name, outcome: d.outcome });
    for (const line of (d.diff || "").split("\n")) if (line) pre.append(diffLine(line));
    box.append(h, pre);
  }
}

async function send(cm, path, label) {
  clearOutput();
  beginAction();
  setStatus("checking", `${label}…`);
  try {
    const data = await post(path, requestBody(cm));
    if (data.errors.length) {
      showErrors(cm, data.errors);
      toast(`${label}: nothing done, see the problems listed`, true);
      return null;
    }
    setStatus("ok", `${label}: done`);
    return data;
  } catch (err) {
    setStatus("error", `${label} failed: ${err.message}`);
    toast(`${label}: ${err.message}`, true);
    return null;
  }
}

export async function apply(cm) {
  const data = await send(cm, "/ui/editor/apply", "apply");
  if (data) renderResults(data.results);
}

export async function diff(cm) {
  const data = await send(cm, "/ui/editor/diff", "diff");
  if (data) renderDiffs(data.diffs);
}

export async function remove(cm) {
  const ok = await confirmAction("Delete every object in the editor from the cluster? " +
    `Their ${word("pod", { plural: true })} go too.`);
  if (!ok) return;
  const data = await send(cm, "/ui/editor/delete", "delete");
  if (data) renderResults(data.results);
}
