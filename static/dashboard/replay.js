// /replay: the map page's own code (app.js, which sees the replay meta tag and opens no
// socket) fed from a recorded session file the user picks or drops on the page. Nothing
// here talks to a cluster, so a lecture recorded with Export replays offline.
import "./app.js";
import { readSession } from "./timeline_file.js";

const { timeline } = window.kubelab;
const badge = document.querySelector("#connection");

function status(text, kind) {
  badge.textContent = text;
  badge.dataset.status = kind;
}

async function open(file) {
  status(`reading ${file.name}…`, "connecting");
  try {
    const { header, history } = await readSession(file, (done, total) =>
      status(`reading ${file.name}: ${done}/${total ?? "?"} events`, "connecting"));
    timeline.load(history);
    status(`replay: ${file.name} (${history.length} events, by ${header.by})`, "replay");
  } catch (err) {
    status(`cannot replay ${file.name}: ${err.message}`, "error");
  }
}

const bar = document.createElement("div");
bar.className = "replay-bar";
const label = document.createElement("label");
label.textContent = "Recorded session (.jsonl or .jsonl.gz, from Export): ";
const input = Object.assign(document.createElement("input"), { type: "file", id: "replay-file",
  accept: ".jsonl,.gz,.json,application/gzip,application/x-ndjson" });
label.append(input);
bar.append(label, Object.assign(document.createElement("span"), { className: "muted",
  textContent: "or drop the file anywhere on the page" }));
document.querySelector("main").prepend(bar);
status("no file", "replay");

input.addEventListener("change", () => { if (input.files[0]) open(input.files[0]); });
window.addEventListener("dragover", (ev) => { ev.preventDefault(); bar.classList.add("dragging"); });
window.addEventListener("dragleave", () => bar.classList.remove("dragging"));
window.addEventListener("drop", (ev) => {
  ev.preventDefault();
  bar.classList.remove("dragging");
  const file = ev.dataTransfer?.files?.[0];
  if (file) open(file);
});
