// The toolbar's control-loop switches: slow motion, pause/resume and a single step.
// Everyone sees the state; only a teacher can change it (the server refuses a student
// with a sentence, shown as a toast).
import { getJSON, post, toast } from "./actions.js";
import { termSpan, word } from "./vocab.js";

const POLL_MS = 2000;
const DELAYS = [0, 0.5, 1, 2, 5];
const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

export class LoopControls {
  constructor(root) {
    if (!root) return;
    this.root = root;
    const label = el("span", "loop-label");
    label.append(termSpan("controller", { plural: true, cap: true }), ":");
    this.delay = el("select", "loop-delay");
    this.delay.title = "Slow motion: a pause before each action a controller takes";
    for (const d of DELAYS) this.delay.append(new Option(d ? `slow ${d}s` : "full speed", String(d)));
    this.pause = el("button", "loop-pause", "Pause");
    this.pause.type = "button";
    this.step = el("button", "loop-step", "Step");
    this.step.type = "button";
    this.step.title = "While paused: let exactly one waiting reconcile (any object) through";
    this.state = el("span", "loop-state muted");
    root.append(label, this.delay, this.pause, this.step, this.state);
    this.delay.addEventListener("change", () => this.set({ delaySeconds: Number(this.delay.value) }));
    this.pause.addEventListener("click", () => this.set({ paused: this.pause.dataset.paused !== "true" }));
    this.step.addEventListener("click", async () => {
      try { toast((await post("/ui/controllers/step", {})).message); this.poll(); }
      catch (err) { toast(err.message, true); }
    });
    this.poll();
    setInterval(() => { if (!document.hidden) this.poll(); }, POLL_MS);
  }

  async set(change) {
    try {
      this.show(await post("/ui/controllers/set", change));
      const loops = word("controller", { plural: true });
      toast(change.paused === undefined ? "slow motion changed" : `${loops} ${change.paused ? "paused" : "resumed"}`);
    } catch (err) {
      toast(err.message, true);
      this.poll();  // put the select back to what is really set
    }
  }

  async poll() {
    try { this.show(await getJSON("/ui/controllers")); } catch { /* the badge shows the connection */ }
  }

  show(s) {
    this.root.dataset.paused = String(s.paused);
    this.pause.dataset.paused = String(s.paused);
    // Text only when it differs: any write lays the page out, a thousand node boxes and all.
    const label = s.paused ? "Resume" : "Pause";
    if (this.pause.textContent !== label) this.pause.textContent = label;
    this.step.disabled = !s.paused;
    if (document.activeElement !== this.delay) {
      const value = String(s.delaySeconds);
      if (![...this.delay.options].some((o) => o.value === value)) this.delay.append(new Option(`slow ${value}s`, value));
      this.delay.value = value;
    }
    const waiting = s.paused ? `paused, ${s.waiting} waiting` : "";
    if (this.state.textContent !== waiting) this.state.textContent = waiting;
    this.root.title = s.canControl ? "" : "Only a teacher can change these.";
  }
}
