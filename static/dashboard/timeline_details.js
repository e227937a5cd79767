// The details panel while travelling: the chosen object as it was at the moment drawn,
// read from the reconstructed state (the live panel asks the server, which only knows now).
// Read-only: there is nothing to act on in the past.
import { keyOf } from "./state.js";
import { termSpan } from "./vocab.js";

const el = (tag, cls, text) => Object.assign(document.createElement(tag), cls ? { className: cls } : {},
  text !== undefined ? { textContent: text } : {});

function section(title, ...children) {
  const s = el("section", "detail-section");
  s.append(el("h3", "", title), ...children);
  return s;
}

function conditions(obj) {
  const rows = obj.status?.conditions || [];
  const t = el("table", "small");
  t.append(...rows.map((c) => {
    const tr = el("tr");
    tr.append(...[c.type, c.status, c.reason, c.message].map((v) => el("td", "", String(v ?? ""))));
    return tr;
  }));
  return t;
}

/** Draw `chosen` ({kind, ns, name}) from `objects` (the past state) into the panel;
 * its buttons call `step(-1 | 1)` for the object's previous or next change. */
export function showPast(panel, objects, chosen, when, step) {
  const body = panel.querySelector(".panel-body");
  const { kind, ns, name } = chosen;
  const obj = objects.get(keyOf(kind, ns, name));
  panel.hidden = false;
  const title = el("h2");
  title.append(termSpan(kind.toLowerCase(), { cap: true }), " ", el("span", "objname", ns ? `${ns}/${name}` : name));
  const stamp = el("p", "muted past-stamp", obj ? `As it was at ${when}.` : `Not there at ${when}.`);
  const steps = el("div", "detail-actions");
  for (const [dir, text] of [[-1, "◀ previous change"], [1, "next change ▶"]]) {
    const b = el("button", "past-step", text);
    b.type = "button";
    b.dataset.step = String(dir);
    b.addEventListener("click", () => step(dir));
    steps.append(b);
  }
  const parts = [title, stamp, steps];
  if (obj) {
    if (obj.status?.phase) parts.push(section("Phase", el("p", "", obj.status.phase)));
    if (obj.status?.conditions?.length) parts.push(section("Conditions", conditions(obj)));
    parts.push(section("Object", el("pre", "yaml objname", JSON.stringify(obj, null, 2))));
  }
  body.replaceChildren(...parts);
}
