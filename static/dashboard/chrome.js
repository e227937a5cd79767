// The header on every page: vocabulary switch, projector mode, theme, keyboard shortcuts.
import { applyVocabulary, mode, setMode } from "./vocab.js";

const html = document.documentElement;

function toggleSetting(key, className) {
  const on = !html.classList.contains(className);
  html.classList.toggle(className, on);
  localStorage.setItem(key, on ? "1" : "0");
}

function restore() {
  html.classList.toggle("projector", localStorage.getItem("kubelab.projector") === "1");
  const stored = localStorage.getItem("kubelab.dark");
  const dark = stored === null ? matchMedia("(prefers-color-scheme: dark)").matches : stored === "1";
  html.classList.toggle("dark", dark);
}

function init() {
  restore();
  const select = document.getElementById("vocab-switch");
  select.value = mode();
  select.addEventListener("change", () => setMode(select.value));
  document.getElementById("projector-toggle").addEventListener("click",
    () => toggleSetting("kubelab.projector", "projector"));
  document.getElementById("theme-toggle").addEventListener("click",
    () => toggleSetting("kubelab.dark", "dark"));
  document.addEventListener("keydown", (ev) => {
    if (ev.target.closest("input, textarea, select") || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "v") { setMode(mode() === "borg" ? "k8s" : "borg"); select.value = mode(); }
    else if (ev.key === "p") toggleSetting("kubelab.projector", "projector");
    else if (ev.key === "t") toggleSetting("kubelab.dark", "dark");
    else if (ev.key === "/") { document.getElementById("selector")?.focus(); ev.preventDefault(); }
    else if (ev.key === "Escape") document.dispatchEvent(new CustomEvent("kubelab:escape"));
  });
  applyVocabulary();
}

restore();  // before first paint where possible, to avoid a flash of the wrong theme
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
