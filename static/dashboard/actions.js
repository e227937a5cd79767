// Posting the dashboard's actions (CSRF-checked JSON) and asking before destructive ones.
import { word } from "./vocab.js";
function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

export async function post(path, body) {
  const resp = await fetch(path, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
  const data = await resp.json().catch(() => ({ error: `HTTP ${resp.status}` }));
  if (!resp.ok) throw new Error(data.error || `HTTP ${resp.status}`);
  return data;
}

export async function getJSON(path) {
  const resp = await fetch(path, { credentials: "same-origin" });
  const data = await resp.json().catch(() => ({ error: `HTTP ${resp.status}` }));
  if (!resp.ok) throw new Error(data.error || `HTTP ${resp.status}`);
  return data;
}

// Resolves true when the user confirms. One <dialog id="confirm"> per page.
export function confirmAction(message) {
  const dialog = document.getElementById("confirm");
  dialog.querySelector(".message").textContent = message;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    dialog.showModal();
  });
}

export function toast(text, isError = false) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.classList.toggle("error", isError);
  box.hidden = false;
  clearTimeout(box._timer);
  box._timer = setTimeout(() => { box.hidden = true; }, 4000);
}

export async function run(label, fn) {
  try { await fn(); toast(`${label}: done`); }
  catch (err) { toast(`${label}: ${err.message}`, true); }
}

export const scale = (kind, namespace, name, replicas) =>
  run(`scale ${name} to ${replicas}`, () => post("/ui/scale", { kind, namespace, name, replicas }));

export async function deletePod(namespace, name) {
  if (await confirmAction(`Delete ${namespace}/${name}? Its controller, if any, will replace it.`)) {
    await run(`delete ${name}`, () => post("/ui/delete-pod", { namespace, name }));
  }
}

export async function cordon(name, unschedulable) {
  const verb = unschedulable ? "Cordon" : "Uncordon";
  if (!unschedulable || await confirmAction(`${verb} ${name}? New pods will not be placed on it.`)) {
    await run(`${verb.toLowerCase()} ${name}`, () => post("/ui/cordon", { name, unschedulable }));
  }
}

export const setLabels = (kind, namespace, name, labels) =>
  run(`labels of ${name}`, () => post("/ui/labels", { kind, namespace, name, labels }));

export async function drain(name) {
  if (await confirmAction(`Drain ${name}? It is cordoned and every ${word("pod")} on it is deleted; ${word("controller", { plural: true })} re-create them elsewhere.`)) {
    await run(`drain ${name}`, () => post("/ui/drain", { name }));
  }
}

export async function killNode(name, killed) {
  if (!killed) return run(`revive ${name}`, () => post("/ui/kill-node", { name, killed }));
  if (await confirmAction(`Kill ${name}? It stops reporting, turns NotReady, and its ${word("pod", { plural: true })} are evicted.`)) {
    await run(`kill ${name}`, () => post("/ui/kill-node", { name, killed }));
  }
}

export const killedNodes = async () => new Set((await getJSON("/ui/killed-nodes")).nodes);

export async function restart(namespace, name) {
  if (await confirmAction(`Restart ${namespace}/${name}? Every ${word("pod")} is replaced, a few at a time.`)) {
    await run(`restart ${name}`, () => post("/ui/restart", { namespace, name }));
  }
}

export async function setImage(namespace, name, container, image) {
  if (await confirmAction(`Roll ${namespace}/${name} to image ${image}?`)) {
    await run(`image of ${name}`, () => post("/ui/set-image", { namespace, name, container, image }));
  }
}
