// The manifest editor page: CodeMirror with YAML, line numbers, search and server-side
// validation as you type; a gallery of starting points; any live object can be opened
// with /editor?kind=Pod&namespace=x&name=y.
import { getJSON, toast } from "./actions.js";
import { mode } from "./vocab.js";
import { lintOptions, setStatus } from "./editor-lint.js";
import { apply, diff, remove } from "./editor-actions.js";

// Per signed-in user: an admin's namespace would only be "forbidden" to a student on the
// same browser.
const WHO = document.querySelector(".who")?.textContent.trim() || "";
const STORE_TEXT = `kubelab.editor.text:${WHO}`;
const STORE_NS = `kubelab.editor.namespace:${WHO}`;
const gallery = JSON.parse(document.getElementById("editor-gallery").textContent);

function makeEditor() {
  const cm = CodeMirror.fromTextArea(document.getElementById("editor-text"), {
    mode: "yaml", lineNumbers: true, indentUnit: 2, tabSize: 2, indentWithTabs: false,
    gutters: ["CodeMirror-lint-markers"], lint: lintOptions(),
    // YAML forbids tabs for indentation: Tab inserts spaces.
    extraKeys: {
      Tab: (ed) => ed.execCommand("insertSoftTab"),
      "Ctrl-Enter": (ed) => apply(ed), "Cmd-Enter": (ed) => apply(ed),
    },
  });
  cm.on("change", () => localStorage.setItem(STORE_TEXT, cm.getValue()));
  return cm;
}

function fillGallery(cm) {
  const select = document.getElementById("gallery");
  for (const g of gallery) {
    const opt = document.createElement("option");
    opt.value = g.id;
    opt.textContent = g.title;
    select.append(opt);
  }
  select.addEventListener("change", () => {
    const found = gallery.find((g) => g.id === select.value);
    if (found) cm.setValue(found.text);
    select.value = "";
  });
}

async function openLive(cm, params) {
  const q = new URLSearchParams({ kind: params.get("kind"), namespace: params.get("namespace") || "",
                                  name: params.get("name") || "" });
  try {
    const data = await getJSON(`/ui/editor/live?${q}`);
    if (data.namespace) document.getElementById("editor-namespace").value = data.namespace;
    cm.setValue(data.yaml);
  } catch (err) {
    setStatus("error", `cannot open ${params.get("kind")} ${params.get("name")}: ${err.message}`);
    toast(err.message, true);
  }
}

function showBorgPane() {
  document.getElementById("borg-pane").hidden = mode() !== "borg";
}

function init() {
  const cm = makeEditor();
  window.kubelabEditor = cm;  // tests and the benchmark read marks through it
  fillGallery(cm);
  const ns = document.getElementById("editor-namespace");
  ns.value = localStorage.getItem(STORE_NS) || ns.value;
  ns.addEventListener("change", () => { localStorage.setItem(STORE_NS, ns.value.trim()); cm.performLint(); });
  const params = new URLSearchParams(location.search);
  if (params.get("kind")) openLive(cm, params);
  else cm.setValue(localStorage.getItem(STORE_TEXT) ?? gallery[0]?.text ?? "");
  document.getElementById("apply-button").addEventListener("click", () => apply(cm));
  document.getElementById("diff-button").addEventListener("click", () => diff(cm));
  document.getElementById("delete-button").addEventListener("click", () => remove(cm));
  document.addEventListener("kubelab:vocabulary", () => { showBorgPane(); cm.performLint(); });
  showBorgPane();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
