// The event stream panel, like `kubectl get events -w`, newest first, with a text filter.
const MAX_ROWS = 200;

/** The list, from `index` (index.js). */
export function renderEvents(list, index, view, filterText) {
  const needle = filterText.trim().toLowerCase();
  const ns = view.namespace;
  const events = index.byKind("Event")
    .filter((e) => !ns || e.metadata.namespace === ns)
    .map((e) => ({ e, t: e.lastTimestamp || e.eventTime || e.metadata.creationTimestamp || "" }))
    .sort((a, b) => (a.t < b.t ? 1 : -1));
  const rows = [];
  for (const { e, t } of events) {
    const io = e.involvedObject || {};
    const text = `${t} ${e.type || ""} ${e.reason || ""} ${io.kind || ""}/${io.name || ""} ${e.message || ""}`;
    if (needle && !text.toLowerCase().includes(needle)) continue;
    const li = document.createElement("li");
    li.className = `event ${e.type === "Warning" ? "warning" : ""}`;
    li.innerHTML = "<time></time> <b class='reason'></b> <span class='objname who'></span> <span class='msg objname'></span>";
    li.querySelector("time").textContent = t.slice(11, 19);
    li.querySelector(".reason").textContent = e.reason || "";
    li.querySelector(".who").textContent = `${io.kind || ""}/${io.name || ""}`;
    li.querySelector(".msg").textContent = e.message || "";
    rows.push(li);
    if (rows.length >= MAX_ROWS) break;
  }
  list.replaceChildren(...rows);
}
