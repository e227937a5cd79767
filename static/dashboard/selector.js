// The selector box: the API's own parser (GET /ui/selector) turns the text into
// requirements; matching them against pods here is then a few comparisons per pod.
import { getJSON } from "./actions.js";
import { matches } from "./model.js";
import { keyOf } from "./state.js";

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

  // Keys of the pods the typed selector matches, or null when nothing is typed.
  highlight(pods) {
    if (!this.requirements) return null;
    const out = new Set();
    for (const p of pods) {
      if (matches(this.requirements, p.metadata.labels)) out.add(keyOf("Pod", p.metadata.namespace, p.metadata.name));
    }
    return out;
  }
}
