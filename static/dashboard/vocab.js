// The vocabulary switch. Words come only from dashboard/vocabulary.py (embedded as JSON);
// every translatable word on a page is a <span class="term" data-term=KEY>.
const TERMS = JSON.parse(document.getElementById("kubelab-vocabulary").textContent);
const STORAGE_KEY = "kubelab.vocabulary";

export function mode() {
  return localStorage.getItem(STORAGE_KEY) === "borg" ? "borg" : "k8s";
}

export function word(key, { plural = false, cap = false } = {}) {
  const t = TERMS[key];
  if (!t) return key;
  let text = mode() === "borg" && t.borg ? (plural ? t.borg_plural : t.borg)
                                         : (plural ? t.k8s_plural : t.k8s);
  if (cap) text = text.charAt(0).toUpperCase() + text.slice(1);
  return text;
}

function tooltip(key) {
  const t = TERMS[key];
  if (!t) return "";
  const borg = t.borg ? `Borg: ${t.borg}` : "Borg had no equivalent";
  return `Kubernetes: ${t.k8s} · ${borg}. ${t.difference}${t.section ? " (" + t.section + ")" : ""}`;
}

function fill(span) {
  const key = span.dataset.term;
  span.textContent = word(key, { plural: span.dataset.plural === "1", cap: span.dataset.cap === "1" });
  span.title = tooltip(key);
  // Where Borg had no word the Kubernetes one stays, marked so nobody thinks it is Borg's.
  span.classList.toggle("no-borg", mode() === "borg" && !TERMS[key]?.borg);
}

export function termSpan(key, opts = {}) {
  const span = document.createElement("span");
  span.className = "term";
  span.dataset.term = key;
  span.dataset.plural = opts.plural ? "1" : "0";
  span.dataset.cap = opts.cap ? "1" : "0";
  fill(span);
  return span;
}

export function applyVocabulary(root = document) {
  root.querySelectorAll(".term[data-term]").forEach(fill);
  document.documentElement.dataset.vocabulary = mode();
}

export function setMode(value) {
  localStorage.setItem(STORAGE_KEY, value === "borg" ? "borg" : "k8s");
  applyVocabulary();
  document.dispatchEvent(new CustomEvent("kubelab:vocabulary", { detail: mode() }));
}

export const terms = TERMS;
