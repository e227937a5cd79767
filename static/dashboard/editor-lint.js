// Validation as you type: after a short pause the text goes to /ui/editor/check, which
// parses every YAML document and dry-runs it through the API's admission; the answer's
// errors (each with a line) become CodeMirror lint underlines and the list under the editor.
import { post } from "./actions.js";
import { mode } from "./vocab.js";

// The pause before asking the server. The goal is feedback within 300 ms of the last
// keystroke, so the pause takes half of that and the dry run has the other half.
export const DEBOUNCE_MS = 150;

const statusBox = () => document.getElementById("editor-status");

export function setStatus(state, text) {
  const box = statusBox();
  box.dataset.state = state;
  box.textContent = text;
}

// An action (apply, delete, diff) owns the status line from its click on: a validation
// that started before it, or runs while it is in flight, must not overwrite its outcome.
let actionEpoch = 0;
export function beginAction() { actionEpoch += 1; }
function checkStatus(epoch, state, text) {
  if (epoch === actionEpoch) setStatus(state, text);
}

export function requestBody(cm) {
  return {
    text: cm.getValue(),
    namespace: document.getElementById("editor-namespace").value.trim(),
    vocabulary: mode(),
  };
}

// One annotation per error: underline from the field's column to the end of its line.
function annotation(cm, err) {
  const line = Math.max(0, Math.min(cm.lineCount() - 1, (err.line || 1) - 1));
  const text = cm.getLine(line) || "";
  let ch = Math.max(0, Math.min(text.length, (err.column || 1) - 1));
  if (ch >= text.length) ch = text.length - text.trimStart().length;  // past the end: whole line
  return {
    from: CodeMirror.Pos(line, ch), to: CodeMirror.Pos(line, text.length),
    message: err.message, severity: "error",
  };
}

export function renderErrors(cm, errors) {
  const list = document.getElementById("editor-errors");
  list.replaceChildren();
  document.getElementById("errors-heading").hidden = errors.length === 0;
  for (const err of errors) {
    const li = document.createElement("li");
    li.dataset.line = String(err.line);
    li.dataset.field = err.field || "";
    const where = document.createElement("span");
    where.className = "where";
    where.textContent = err.column > 1 ? `line ${err.line}:${err.column}` : `line ${err.line}`;
    li.append(where, err.message);
    li.title = "Go to this line";
    li.addEventListener("click", () => {
      cm.setCursor(CodeMirror.Pos(err.line - 1, Math.max(0, (err.column || 1) - 1)));
      cm.focus();
    });
    list.append(li);
  }
}

export function renderTranslations(translations) {
  const box = document.getElementById("borg-translation");
  box.replaceChildren();
  if (!translations.length) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = "No job description in the editor.";
    box.append(p);
    return;
  }
  for (const t of translations) {
    const pre = document.createElement("pre");
    pre.className = "translation";
    pre.dataset.doc = String(t.doc);
    pre.textContent = t.yaml;
    box.append(pre);
  }
}

function summary(data) {
  const n = data.errors.length;
  if (n) return ["invalid", `${n} problem${n === 1 ? "" : "s"}`];
  const objects = data.documents.length;
  if (!objects) return ["idle", "empty"];
  return ["ok", `${objects} object${objects === 1 ? "" : "s"} valid (server dry run)`];
}

// The lint addon's async source: it calls back with annotations, and ignores answers to
// texts that have changed since (its own request counter).
function check(text, done, _options, cm) {
  if (!text.trim()) {
    renderErrors(cm, []);
    renderTranslations([]);
    setStatus("idle", "empty");
    done([]);
    return;
  }
  const epoch = actionEpoch;
  checkStatus(epoch, "checking", "checking…");
  post("/ui/editor/check", requestBody(cm)).then((data) => {
    renderErrors(cm, data.errors);
    renderTranslations(data.translations || []);
    checkStatus(epoch, ...summary(data));
    done(data.errors.map((e) => annotation(cm, e)));
  }).catch((err) => {
    checkStatus(epoch, "error", `cannot check: ${err.message}`);
    done([]);
  });
}

export function lintOptions() {
  return {
    getAnnotations: check, async: true, delay: DEBOUNCE_MS,
    // After the underlines are drawn: what tests and the benchmark wait for.
    onUpdateLinting: (annotations) => document.dispatchEvent(new CustomEvent(
      "kubelab:validated", { detail: { at: performance.now(), count: annotations.length } })),
  };
}

// Errors from Apply/Diff/Delete: listed at once, underlined by a fresh check.
export function showErrors(cm, errors) {
  renderErrors(cm, errors);
  setStatus("invalid", `${errors.length} problem${errors.length === 1 ? "" : "s"}`);
  cm.performLint();
}
