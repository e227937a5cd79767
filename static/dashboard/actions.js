// Posting the dashboard's actions (CSRF-checked JSON) and asking before destructive ones.
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
