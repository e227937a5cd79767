// The lessons list: a student who follows the teacher is taken to the lesson and step the
// teacher is on when the teacher moves (the lesson page keeps following from there).
import { getJSON } from "./actions.js";

const teacher = document.querySelector("h1[data-teacher]")?.dataset.teacher === "1";
const note = document.getElementById("follow-note");

async function follow() {
  try {
    const f = await getJSON("/ui/lessons/follow");
    note.hidden = !f.lesson;
    if (!f.lesson) return;
    const link = note.querySelector("a");
    link.href = `/lessons/${f.lesson}#step-${f.step + 1}`;
    link.textContent = `${f.lesson}, step ${f.step + 1}`;
    // Once per move of the teacher: a student who comes back here to browse stays here.
    const move = `${f.lesson}/${f.step}/${f.at}`;
    if (teacher || localStorage.getItem("kubelab.lessons.follow") === "0" ||
        sessionStorage.getItem("kubelab.lessons.followed") === move) return;
    sessionStorage.setItem("kubelab.lessons.followed", move);
    location.assign(link.href);
  } catch { /* the next poll tries again */ }
}

follow();
setInterval(follow, 2000);
