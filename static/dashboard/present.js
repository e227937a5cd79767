// The presenter view: the step the class follows, in large type, one focus area at a time
// (step, live map, join link with QR). The teacher moves the class with the arrow keys.
import { getJSON, post } from "./actions.js";
import { inline, renderText } from "./lesson_text.js";
import { applyVocabulary, mode, setMode } from "./vocab.js";

const lessons = JSON.parse(document.getElementById("lessons-data").textContent);
const teacher = document.body.dataset.teacher === "1";
const $ = (id) => document.getElementById(id);
let current = { lesson: "", step: -1 };

function focus(name) {
  for (const section of document.querySelectorAll(".focus")) section.hidden = section.id !== `focus-${name}`;
  for (const b of document.querySelectorAll(".present-tabs button")) b.classList.toggle("active", b.dataset.focus === name);
  // The map loads only when shown: its websocket is not needed behind the step.
  if (name === "map" && $("present-map").src === "about:blank") $("present-map").src = "/";
}

function show(f) {
  const lesson = lessons[f.lesson];
  if (!lesson) return;
  const step = lesson.steps[f.step];
  if (!step) return;
  current = { lesson: f.lesson, step: f.step };
  $("present-lesson").textContent = `${lesson.title} · step ${f.step + 1} of ${lesson.steps.length}`;
  $("present-title").textContent = step.title;
  renderText($("present-text"), step.text);
  if (step.borg && mode() === "borg") {
    const note = document.createElement("div");
    note.className = "borg-note";
    renderText(note, step.borg);
    $("present-text").append(note);
  }
  $("present-check").hidden = !step.check;
  applyVocabulary(document.body);
}

async function poll() {
  try {
    const f = await getJSON("/ui/lessons/follow");
    if (f.lesson && (f.lesson !== current.lesson || f.step !== current.step)) show(f);
    const lesson = lessons[current.lesson];
    if (lesson?.steps[current.step]?.check) {
      const r = await getJSON(`/ui/lessons/${current.lesson}/check?step=${current.step}`);
      const box = $("present-check");
      box.dataset.state = r.check.ok ? "ok" : "waiting";
      box.replaceChildren(r.check.ok ? "✓ " : "… ");
      inline(box, r.check.text);
    }
  } catch { /* the next poll tries again */ }
}

async function move(delta) {
  const lesson = lessons[current.lesson];
  if (!teacher || !lesson) return;
  const step = current.step + delta;
  if (step < 0 || step >= lesson.steps.length) return;
  await post("/ui/lessons/lead", { lesson: current.lesson, step });
  show({ lesson: current.lesson, step });
}

document.addEventListener("keydown", (ev) => {
  if (ev.key === "ArrowRight") move(1);
  else if (ev.key === "ArrowLeft") move(-1);
  else if (ev.key === "1") focus("step");
  else if (ev.key === "2") focus("map");
  else if (ev.key === "3") focus("join");
  else if (ev.key === "v") { setMode(mode() === "borg" ? "k8s" : "borg"); current.step = -1; poll(); }
});
for (const b of document.querySelectorAll(".present-tabs button")) b.addEventListener("click", () => focus(b.dataset.focus));
applyVocabulary(document.body);
poll();
setInterval(poll, 1000);
