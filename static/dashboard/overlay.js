// The scheduling overlay: for one selected pod, every node on the map is coloured by the
// scheduler's verdict from the decision it stored on the pod — rejected (with the
// reason), feasible (score bar broken down by plugin), the winner marked — and, after
// "Compare profiles", a marker per profile on the node that profile would choose.
// Shift-click a pod chip to show it; Esc or the banner's Clear button removes it.
import { getJSON, toast } from "./actions.js";
import { colourFor } from "./model.js";
import { termSpan, word } from "./vocab.js";

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};
const VERDICT_CLASSES = ["sched-winner", "sched-feasible", "sched-rejected", "sched-unlisted"];
const path = (ns, name) => `/ui/scheduling/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;

export class SchedulingOverlay {
  constructor(mapRoot, state) {
    this.root = mapRoot;
    this.state = state;
    this.subject = null;   // {ns, name, rv}: the pod shown
    this.data = null;      // /ui/scheduling answer
    this.compared = null;  // /ui/scheduling/.../compare answer
    this.banner = el("div", "overlay-banner");
    this.banner.id = "overlay-banner";
    this.banner.hidden = true;
    mapRoot.prepend(this.banner);
    // Capture phase: runs before the chip's own click handler, which opens the details.
    mapRoot.addEventListener("click", (ev) => {
      const chip = ev.shiftKey && ev.target.closest(".pod");
      if (!chip) return;
      ev.stopPropagation();
      ev.preventDefault();
      this.show(chip.dataset.ns, chip.dataset.name).catch((err) => toast(err.message, true));
    }, true);
    document.addEventListener("kubelab:escape", () => this.clear());
    // After the map's own render (listeners run in order; a microtask runs after all).
    state.onRender(() => queueMicrotask(() => this.refresh()));
  }

  async show(ns, name) {
    const data = await getJSON(path(ns, name));
    if (!this.subject || this.subject.ns !== ns || this.subject.name !== name) this.compared = null;
    this.subject = { ns, name, rv: this.state.get("Pod", ns, name)?.metadata?.resourceVersion };
    this.data = data;
    this.render();
    return data;
  }

  async compare(ns, name) {
    if (!this.subject || this.subject.ns !== ns || this.subject.name !== name) await this.show(ns, name);
    this.compared = await getJSON(`${path(ns, name)}/compare`);
    this.render();
    return this.compared;
  }

  clear() {
    this.subject = this.data = this.compared = null;
    this.render();
  }

  // The pod changed (bound, re-scheduled after a retry): its stored decision may have too.
  refresh() {
    if (!this.subject) return;
    const pod = this.state.get("Pod", this.subject.ns, this.subject.name);
    const rv = pod?.metadata?.resourceVersion;
    if (rv && rv !== this.subject.rv && !this.loading) {
      this.loading = true;
      this.show(this.subject.ns, this.subject.name).catch(() => {}).finally(() => { this.loading = false; });
    } else {
      this.render();
    }
  }

  render() {
    // Nothing shown and nothing left to take off: skip the per-node pass on every frame.
    if (!this.subject && !this.shown) return;
    // Shown and nothing new (the same answers, the same node boxes, the subject's chip
    // still marked): skip it too. With 1,000 boxes and 10,000 chips the pass below costs
    // several milliseconds, and refresh() calls this on every frame.
    const boxes = this.root.getElementsByClassName("node").length;  // live: no query
    const chip = this.subject && this.subjectChip();
    const now = { data: this.data, compared: this.compared, boxes, chip };
    const d = this.drawn;
    if (this.subject && d && d.data === now.data && d.compared === now.compared && d.boxes === boxes &&
        d.chip === chip && (!chip || chip.classList.contains("overlay-subject"))) return;
    this.drawn = this.subject ? now : null;
    this.shown = !!this.subject;
    const verdicts = new Map((this.data?.verdicts || []).map((v) => [v.node, v]));
    const maxTotal = Math.max(1, ...[...verdicts.values()].map((v) => v.total || 0));
    const markers = new Map();
    for (const p of this.compared?.profiles || []) {
      if (p.node) markers.set(p.node, [...(markers.get(p.node) || []), p]);
    }
    for (const node of this.root.querySelectorAll("article.node")) {
      this.decorate(node, this.data ? verdicts.get(node.dataset.name) || { verdict: "unlisted" } : null,
        maxTotal, markers.get(node.dataset.name) || []);
    }
    for (const other of this.root.querySelectorAll(".pod.overlay-subject")) other.classList.remove("overlay-subject");
    chip?.classList.add("overlay-subject");
    this.renderBanner();
  }

  /** The subject's chip: the one found last time while it is still on the map. */
  subjectChip() {
    const { ns, name } = this.subject;
    const last = this.chip;
    if (last?.isConnected && !last.classList.contains("leaving") && last.dataset.ns === ns &&
        last.dataset.name === name) return last;
    const sel = `.pod[data-ns="${CSS.escape(ns)}"][data-name="${CSS.escape(name)}"]:not(.leaving)`;
    this.chip = this.root.querySelector(sel);
    return this.chip;
  }

  decorate(node, v, maxTotal, profiles) {
    const sig = JSON.stringify([v, maxTotal, profiles.map((p) => p.profile)]);
    if (node.dataset.overlaySig === sig) return;  // unchanged: leave the DOM alone
    node.dataset.overlaySig = sig;
    node.classList.remove(...VERDICT_CLASSES);
    node.querySelector(".sched-note")?.remove();
    node.querySelector(".profile-markers")?.remove();
    if (!v) { delete node.dataset.verdict; return; }
    node.dataset.verdict = v.verdict;
    node.classList.add(`sched-${v.verdict}`);
    const note = el("div", "sched-note");
    if (v.verdict === "rejected") {
      note.append(el("span", "verdict-label", "✗ rejected"), " ",
        el("span", "verdict-plugin objname", v.plugin), " ");
      // The filter's own words, quoted verbatim (api-text): not translated.
      for (const r of v.reasons || []) note.append(el("span", "verdict-reason api-text", r));
    } else if (v.verdict === "unlisted") {
      note.append(el("span", "verdict-label muted", "not listed in the decision"));
    } else {
      note.append(el("span", "verdict-label", v.verdict === "winner" ? "★ chosen" : "✓ feasible"),
        " ", el("span", "verdict-total", `score ${v.total ?? 0}`), scoreBar(v.plugins || {}, maxTotal));
    }
    node.append(note);
    if (profiles.length) {
      const box = el("div", "profile-markers");
      for (const p of profiles) {
        const m = el("span", "profile-marker", p.label);
        m.dataset.profile = p.profile;
        m.title = `${p.profile} would choose this ${word("node")} (score ${p.total ?? "?"})`;
        box.append(m);
      }
      node.querySelector("header").after(box);
    }
  }

  renderBanner() {
    const b = this.banner;
    b.hidden = !this.subject;
    if (!this.subject) { b.replaceChildren(); return; }
    const d = this.data;
    const head = el("span", "overlay-title");
    head.append("Scheduling of ", termSpan("pod"), " ", el("span", "objname", `${this.subject.ns}/${this.subject.name}`));
    const parts = [head];
    if (!d.decided) {
      parts.push(el("span", "muted", ` — the ${word("scheduler")} has not recorded a decision yet`));
    } else {
      const winner = d.winner ? `chose ${d.winner}` : "found no place";
      // The profile and "examined" sentence are the scheduler's record, verbatim.
      parts.push(el("span", "api-text", ` — ${d.profile}: ${winner}; ${d.examined}`));
    }
    const legend = el("span", "plugin-legend");
    const plugins = new Set((d.verdicts || []).flatMap((v) => Object.keys(v.plugins || {})));
    for (const p of [...plugins].sort()) {
      const key = el("span", "legend-item objname", p);
      key.style.setProperty("--seg", colourFor(p));
      legend.append(key);
    }
    const clear = el("button", "overlay-clear", "Clear (Esc)");
    clear.type = "button";
    clear.addEventListener("click", () => this.clear());
    parts.push(legend, clear);
    b.replaceChildren(...parts);
  }
}

function scoreBar(plugins, maxTotal) {
  const bar = el("div", "score-bar");
  for (const [plugin, weighted] of Object.entries(plugins).sort()) {
    if (!weighted) continue;
    const seg = el("span", "seg");
    seg.dataset.plugin = plugin;
    seg.dataset.weighted = String(weighted);
    seg.style.width = `${(100 * weighted) / maxTotal}%`;
    seg.style.background = colourFor(plugin);
    seg.title = `${plugin}: ${weighted}`;
    bar.append(seg);
  }
  return bar;
}
