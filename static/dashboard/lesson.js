// The lesson panel beside the live map: one step at a time, its buttons, its check polled
// every second, reset, and follow-me (the teacher leads; students follow unless detached).
import { getJSON, post, toast } from "./actions.js";
import { inline, renderText } from "./lesson_text.js";
import { applyVocabulary, mode } from "./vocab.js";

const lesson = JSON.parse(document.getElementById("lesson-data").textContent);
const base = `/ui/lessons/${lesson.id}`;
const WHO = document.querySelector(".who")?.textContent.trim() || "";
const FOLLOW_KEY = "kubelab.lessons.follow";
const LEAD_KEY = "kubelab.lessons.lead";
const state = {
  step: stepFromHash(),
  following: !lesson.teacher && localStorage.getItem(FOLLOW_KEY) !== "0",
  leading: lesson.teacher && localStorage.getItem(LEAD_KEY) === "1",
};

function stepFromHash() {
  const m = location.hash.match(/^#step-(\d+)$/);
  const n = m ? Number(m[1]) - 1 : 0;
  return Math.min(Math.max(n, 0), lesson.steps.length - 1);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, attrs);
  node.append(...children);
  return node;
}

const panel = el("aside", { id: "lesson-panel", className: "card lesson-panel" });
document.querySelector(".layout").prepend(panel);
document.querySelector(".layout").classList.add("with-lesson");

function header() {
  const follow = el("label", { className: "follow" });
  const box = el("input", { type: "checkbox", id: lesson.teacher ? "lead-toggle" : "follow-toggle",
                            checked: lesson.teacher ? state.leading : state.following });
  box.addEventListener("change", () => {
    if (lesson.teacher) {
      state.leading = box.checked;
      localStorage.setItem(LEAD_KEY, box.checked ? "1" : "0");
      lead();
    } else {
      state.following = box.checked;
      localStorage.setItem(FOLLOW_KEY, box.checked ? "1" : "0");
      lastMove = "";  // re-attached: catch up with the class at once
      follow();
    }
  });
  follow.append(box, lesson.teacher ? " Lead the class" : " Follow the teacher");
  return el("header", {},
    el("a", { href: "/lessons", textContent: "← Lessons" }),
    el("h2", { id: "lesson-title", textContent: lesson.title }),
    el("p", { className: "muted", textContent: `working in namespace ${lesson.namespace}` }),
    follow);
}

function actionButtons(step) {
  const list = step.actions.length ? step.actions : [];
  const box = el("div", { className: "lesson-actions" });
  list.forEach((a, i) => {
    const button = el("button", { type: "button", className: "lesson-action", textContent: a.button });
    button.dataset.action = a.do;
    button.addEventListener("click", () => act(i, button));
    box.append(button);
  });
  return box;
}

function yourself(step) {
  const box = el("div", { className: "yourself" });
  const task = el("div", { className: "task" });
  renderText(task, step.yourself);
  box.append(el("strong", { textContent: "Your turn: " }), task);
  if (step.manifest) {
    const text = step.manifest.replaceAll("{{namespace}}", lesson.namespace).replaceAll("{{lesson}}", lesson.id);
    const open = el("button", { type: "button", id: "open-editor", textContent: "Open in the editor" });
    open.addEventListener("click", () => {
      localStorage.setItem(`kubelab.editor.text:${WHO}`, text);
      localStorage.setItem(`kubelab.editor.namespace:${WHO}`, lesson.namespace);
      window.open("/editor", "kubelab-editor");
    });
    box.append(el("pre", { className: "manifest", textContent: text }), open);
  }
  return box;
}

function render() {
  const step = lesson.steps[state.step];
  const text = el("div", { className: "lesson-text" });
  renderText(text, step.text);
  const borg = el("div", { className: "borg-note" });
  if (step.borg) {
    renderText(borg, step.borg);
    borg.prepend(el("strong", { textContent: mode() === "borg" ? "In Borg: " : "Borg did it differently: " }));
  }
  const check = el("p", { id: "lesson-check", className: "check", hidden: !step.check });
  const refusal = el("p", { id: "lesson-refusal", className: "error", hidden: true });
  const missing = el("p", { className: "muted", hidden: !step.missing.length,
    textContent: `This step needs ${step.missing.join(", ")}, which this cluster does not serve yet.` });
  check.dataset.state = "waiting";
  const prev = el("button", { type: "button", id: "step-prev", textContent: "← Back", disabled: state.step === 0 });
  const next = el("button", { type: "button", id: "step-next", textContent: "Next →",
                              disabled: state.step === lesson.steps.length - 1 });
  prev.addEventListener("click", () => go(state.step - 1));
  next.addEventListener("click", () => go(state.step + 1));
  const reset = el("button", { type: "button", id: "lesson-reset", className: "danger", textContent: "Reset lesson" });
  reset.addEventListener("click", resetLesson);
  panel.replaceChildren(header(),
    el("p", { id: "step-counter", className: "muted", textContent: `Step ${state.step + 1} of ${lesson.steps.length}` }),
    el("h3", { id: "step-title", textContent: step.title }), text, step.borg ? borg : "",
    step.yourself ? yourself(step) : "", missing, actionButtons(step), refusal, check,
    el("nav", { className: "step-nav" }, prev, next, reset));
  panel.dataset.step = String(state.step + 1);
  applyVocabulary(panel);
  poll();
}

function go(index, { fromTeacher = false } = {}) {
  if (index < 0 || index >= lesson.steps.length || index === state.step) return;
  state.step = index;
  history.replaceState(null, "", `#step-${index + 1}`);
  render();
  if (!fromTeacher) lead();
}

async function lead() {
  if (!lesson.teacher || !state.leading) return;
  try { await post("/ui/lessons/lead", { lesson: lesson.id, step: state.step }); }
  catch (err) { toast(`could not lead the class: ${err.message}`, true); }
}

async function act(index, button) {
  button.disabled = true;
  try {
    const r = await post(`${base}/action`, { step: state.step, action: index });
    // A refusal the lesson expects (over quota, forbidden) is the point of the step.
    if (r.refused) showRefusal(r.refused);
    toast(r.refused ? `${button.textContent}: refused, as expected` : `${button.textContent}: done`);
  } catch (err) {
    toast(`${button.textContent}: ${err.message}`, true);
  } finally {
    button.disabled = false;
    poll();
  }
}

function showRefusal(message) {
  const box = document.getElementById("lesson-refusal");
  box.textContent = `The cluster said: ${message}`;
  box.hidden = false;
}

async function resetLesson() {
  try {
    const r = await post(`${base}/reset`, {});
    toast(`reset: ${r.deleted} object(s) deleted${r.revived.length ? `, revived ${r.revived.join(", ")}` : ""}`);
  } catch (err) { toast(`reset failed: ${err.message}`, true); }
}

let checking = false;
async function poll() {
  const step = lesson.steps[state.step];
  const box = document.getElementById("lesson-check");
  if (!step.check || step.missing.length || checking || !box) return;
  checking = true;
  const asked = state.step;
  try {
    const r = await getJSON(`${base}/check?step=${asked}`);
    if (asked !== state.step) return;
    box.dataset.state = r.check.ok ? "ok" : "waiting";
    box.replaceChildren(r.check.ok ? "✓ " : "… ");
    inline(box, r.check.text);  // [[pod|s]] in the viewer's words
    if (!r.check.ok) box.append(` (now ${r.check.found})`);
  } catch (err) {
    box.dataset.state = "error";
    box.textContent = `check failed: ${err.message}`;
  } finally { checking = false; }
}

// Applied once per move of the teacher, so a student may look ahead or back in between.
let lastMove = "";
async function follow() {
  if (!state.following) return;
  try {
    const f = await getJSON("/ui/lessons/follow");
    if (!f.lesson || `${f.lesson}/${f.step}/${f.at}` === lastMove) return;
    lastMove = `${f.lesson}/${f.step}/${f.at}`;
    if (f.lesson !== lesson.id) location.assign(`/lessons/${f.lesson}#step-${f.step + 1}`);
    else go(f.step, { fromTeacher: true });
  } catch { /* the next poll tries again */ }
}

window.addEventListener("hashchange", () => go(stepFromHash()));
document.addEventListener("kubelab:vocabulary", render);
setInterval(poll, 1000);
setInterval(follow, 1000);
render();
follow();
lead();
