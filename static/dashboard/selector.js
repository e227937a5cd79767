// The selector box: the API's own parser (GET /ui/selector) turns the text into
// requirements; matching them against pods here is then a few comparisons per pod.
import { getJSON } from "./actions.js";
import { matches } from "./model.js";

export class SelectorBox {
  constructor(input, message, onChange) {
    this.input = input;
    this.message = message;
    this.onChange = onChange;
    this.requirements = null;  // null: no selector typed
    this.asked = 0;
    let timer = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.parse(), 120);
    });
  }

  set(text) { this.input.value = text; return this.parse(); }

  async parse() {
    const text = this.input.value.trim();
    const ticket = ++this.asked;  // answers can arrive out of order; keep the newest
    if (!text) { this.show(null, ""); return; }
    try {
      const data = await getJSON(`/ui/selector?q=${encodeURIComponent(text)}`);
      if (ticket === this.asked) this.show(data.requirements, "");
    } catch (err) {
      if (ticket === this.asked) this.show(null, err.message);
    }
  }

  show(requirements, error) {
    this.requirements = requirements;
    this.message.textContent = error;
    this.message.hidden = !error;
    this.input.classList.toggle("invalid", !!error);
    this.input.setAttribute("aria-invalid", error ? "true" : "false");
    this.onChange();
  }

  /**
   * Keys of the visible pods the typed selector matches, or null when nothing is typed.
   * `pods`: Map(key -> pod); `changes`: this frame's (index.js). The set is recomputed
   * only when the selector or the namespace changes, and is otherwise the same Set
   * updated for the pods that changed, so the map can tell the two apart by identity.
   */
  highlight(pods, changes, namespace) {
    if (!this.requirements) { this.matched = null; return null; }
    const visible = (p) => !namespace || p.metadata.namespace === namespace;
    const fits = (p) => visible(p) && matches(this.requirements, p.metadata.labels);
    if (!this.matched || this.matchedFor !== this.requirements || this.matchedIn !== namespace) {
      this.matched = new Set();
      this.matchedFor = this.requirements;
      this.matchedIn = namespace;
      for (const [key, p] of pods) if (fits(p)) this.matched.add(key);
      return this.matched;
    }
    for (const c of changes) {
      if (c.kind !== "Pod") continue;
      if (c.obj && fits(c.obj)) this.matched.add(c.key); else this.matched.delete(c.key);
    }
    return this.matched;
  }
}
