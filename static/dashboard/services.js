// The Services tab: each Service with its ClusterIP, ports and NodePort, links to the pods
// behind it (its Endpoints), and a "send 20 requests" button that goes through the real
// service proxy and draws, as a live bar chart, which pods answered. Rows are keyed and
// updated in place so a chart survives the re-renders every cluster change triggers.
import { post } from "./actions.js";
import { layout, loadPlotly } from "./charts.js";
import { keyOf } from "./state.js";
import { termSpan } from "./vocab.js";

const REQUESTS = 20;
const el = (tag, cls, text) => Object.assign(document.createElement(tag), cls ? { className: cls } : {},
  text !== undefined ? { textContent: text } : {});

function endpointPods(index, svc) {
  const ep = index.of("Endpoints").get(keyOf("Endpoints", svc.metadata.namespace, svc.metadata.name));
  const out = [];
  for (const s of ep?.subsets || []) {
    for (const a of s.addresses || []) out.push({ ip: a.ip, pod: a.targetRef?.name, ready: true });
    for (const a of s.notReadyAddresses || []) out.push({ ip: a.ip, pod: a.targetRef?.name, ready: false });
  }
  return out;
}

async function sendRequests(row, svc) {
  const button = row.querySelector(".send-requests");
  const note = row.querySelector(".probe-note");
  const chart = row.querySelector(".probe-chart");
  button.disabled = true;
  note.textContent = "";
  note.classList.remove("error");
  const answers = new Map();
  let failed = 0, message = "";
  let Plotly = null;
  try { Plotly = await loadPlotly(); } catch (err) { note.textContent = err.message; }
  const draw = () => {
    if (!Plotly) return;
    chart.hidden = false;
    Plotly.react(chart, [{ type: "bar", x: [...answers.keys()], y: [...answers.values()], name: "answers" }],
      { ...layout(`Who answered (${[...answers.values()].reduce((a, b) => a + b, 0) + failed}/${REQUESTS})`), height: 200 },
      { displayModeBar: false, responsive: true });
  };
  try {
    // One request per call, so the chart grows as the answers come in.
    for (let i = 0; i < REQUESTS; i++) {
      const r = await post("/ui/send-requests", { namespace: svc.metadata.namespace, name: svc.metadata.name, count: 1 });
      for (const [who, n] of Object.entries(r.answers)) answers.set(who, (answers.get(who) || 0) + n);
      failed += r.failed;
      message = r.message || message;
      if (r.port === null || (i === 0 && r.failed)) break;  // nothing listens: do not wait 20 timeouts
      draw();
    }
  } catch (err) {
    message = err.message;
  } finally {
    button.disabled = false;
  }
  if (!answers.size) {
    chart.hidden = true;
    note.textContent = message || "Nothing answered.";
    note.classList.add("error");
  } else if (failed) {
    note.textContent = `${failed} of ${REQUESTS} requests got no answer.`;
  }
}

function buildRow(svc, view) {
  const row = el("li", "service");
  row.dataset.ns = svc.metadata.namespace;
  row.dataset.name = svc.metadata.name;
  const name = el("button", "objname link", `${svc.metadata.namespace}/${svc.metadata.name}`);
  name.type = "button";
  name.addEventListener("click", () => view.onSelect("Service", svc.metadata.namespace, svc.metadata.name));
  const head = el("div");
  head.append(termSpan("service"), " ", name);
  const send = el("button", "send-requests", `Send ${REQUESTS} requests`);
  send.type = "button";
  send.title = "GET / through the service proxy on this host's nodePort, and count who answers";
  send.addEventListener("click", () => sendRequests(row, row._svc));
  const chart = el("div", "probe-chart chart");
  chart.hidden = true;
  row.append(head, el("div", "addr muted objname"), el("div", "endpoints"), send,
    el("p", "probe-note muted"), chart);
  return row;
}

function fillRow(row, svc, index, view) {
  row._svc = svc;
  const ports = (svc.spec?.ports || []).map((p) =>
    `${p.port}→${p.targetPort ?? p.port}${p.nodePort ? ` nodePort ${p.nodePort}` : ""}/${p.protocol || "TCP"}`);
  const addr = `${svc.spec?.type || "ClusterIP"} ${svc.spec?.clusterIP || "-"}  ${ports.join(", ")}`;
  const addrBox = row.querySelector(".addr");
  if (addrBox.textContent !== addr) addrBox.textContent = addr;
  const pods = endpointPods(index, svc);
  const sig = JSON.stringify(pods);
  const box = row.querySelector(".endpoints");
  if (box.dataset.sig === sig) return;
  box.dataset.sig = sig;
  box.dataset.count = String(pods.filter((p) => p.ready).length);
  const links = pods.map((p) => {
    const b = el("button", `endpoint objname link${p.ready ? "" : " not-ready"}`, `${p.pod || "?"} ${p.ip}`);
    b.type = "button";
    if (p.pod) b.addEventListener("click", () => view.onSelect("Pod", svc.metadata.namespace, p.pod));
    return b;
  });
  const label = el("span", "muted");
  label.append(termSpan("endpoints", { cap: true }), ": ");
  box.replaceChildren(label, ...(links.length ? links : [el("span", "muted", "none ready")]));
}

/** The list, from `index` (index.js). */
export function renderServices(box, index, view) {
  const ns = view.namespace;
  const services = index.byKind("Service").filter((s) => !ns || s.metadata.namespace === ns)
    .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  box._rows ||= new Map();
  const keep = new Set();
  const rows = services.map((svc) => {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    keep.add(key);
    let row = box._rows.get(key);
    if (!row) { row = buildRow(svc, view); box._rows.set(key, row); }
    fillRow(row, svc, index, view);
    return row;
  });
  for (const key of [...box._rows.keys()]) if (!keep.has(key)) box._rows.delete(key);
  const same = rows.length === box.children.length && rows.every((r, i) => box.children[i] === r);
  if (!same) box.replaceChildren(...(rows.length ? rows : [el("li", "muted", "No services here yet.")]));
}
