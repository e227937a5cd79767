// The pod's scheduling section in the details panel: "Why pending?" in plain words with
// the nodes grouped by reason, buttons for the map overlay, and the profile comparison.
// Sentences are built here so every term goes through the vocabulary (pod or alloc...).
import { toast } from "./actions.js";
import { termSpan, word } from "./vocab.js";

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

const cpuText = (m) => (m >= 1000 && m % 1000 === 0 ? `${m / 1000} CPU` : `${m}m CPU`);
const memText = (b) => (b >= 1024 ** 3 ? `${+(b / 1024 ** 3).toFixed(1)}Gi` : `${Math.round(b / 1024 ** 2)}Mi`);

// What one group of rejected nodes has in common, as a sentence about "they".
function sentence(group, why) {
  const pod = word("pod"), pods = word("pod", { plural: true }), node = word("node");
  const { request = {}, largest = {} } = why;
  switch (group.topic) {
    case "cpu": {
      const tooBig = request.cpu > largest.cpu;
      return `do not have enough free CPU for it: the ${pod} asks for ${cpuText(request.cpu)}` +
        (tooBig ? `, more than the largest ${node} has in total (${cpuText(largest.cpu)}), so it fits nowhere until a bigger ${node} joins.`
          : ", and what is left on them is less.");
    }
    case "memory": {
      const tooBig = request.memory > largest.memory;
      return `do not have enough free memory for it: the ${pod} asks for ${memText(request.memory)}` +
        (tooBig ? `, more than the largest ${node} has in total (${memText(largest.memory)}).`
          : ", and what is left on them is less.");
    }
    case "pods": return `already run as many ${pods} as they accept.`;
    case "cordoned": return `are cordoned (marked unschedulable): nothing new is placed on them.`;
    case "selector": return `lack the labels this ${pod}'s nodeSelector or node affinity asks for.`;
    case "nodename": return `are not the ${node} this ${pod} names in spec.nodeName.`;
    case "taint": return `have a taint this ${pod} does not tolerate (${group.reason.replace(/^.*taint\s*/, "")}).`;
    case "affinity": return `do not run the ${pods} this ${pod} must be near (pod affinity).`;
    case "anti-affinity": return `already run ${pods} this ${pod} must keep away from (its anti-affinity).`;
    case "existing-anti-affinity": return `run ${pods} whose anti-affinity keeps this one away.`;
    case "spread": return `would make the spread too uneven (topology spread constraint, maxSkew).`;
    case "spread-label": return `lack the topology label the spread constraint counts by.`;
    default: return `were rejected: ${group.reason}`;
  }
}

export function whyPending(why) {
  const box = el("div", "why-pending");
  if (why.waiting) {
    box.append(el("p", "muted", `The ${word("scheduler")} has not looked at this ${word("pod")} yet.`));
    return box;
  }
  const total = why.total;
  box.append(el("p", "why-summary",
    `None of the ${total} ${word("node", { plural: total !== 1 })} can take this ${word("pod")}:`));
  const list = el("ul", "why-groups");
  for (const g of why.groups) {
    const li = el("li", "why-group");
    li.dataset.topic = g.topic;
    li.dataset.count = String(g.count);
    li.append(el("strong", "", `${g.count} ${word("node", { plural: g.count !== 1 })}`), " ", sentence(g, why));
    if (g.nodes.length) {
      const more = g.count > g.nodes.length ? ` and ${g.count - g.nodes.length} more` : "";
      li.append(" ", el("span", "why-nodes objname", `(${g.nodes.join(", ")}${more})`));
    }
    list.append(li);
  }
  box.append(list);
  if (why.preemption?.why) box.append(el("p", "muted", `${word("preemption", { cap: true })}: ${why.preemption.why}`));
  // The scheduler's own message, verbatim (api-text): what kubectl describe would show.
  if (why.message) box.append(el("p", "reason api-text", why.message));
  return box;
}

function compareTable(result) {
  const t = el("table", "small compare-profiles");
  for (const p of result.profiles) {
    const tr = el("tr");
    tr.dataset.profile = p.profile;
    tr.dataset.node = p.node || "";
    tr.append(el("td", "", p.label), el("td", "objname", p.profile),
      el("td", "objname chosen-node", p.node || "nowhere"),
      el("td", "muted", p.node ? `score ${p.total}` : p.message));
    t.append(tr);
  }
  return t;
}

function button(label, cls, fn) {
  const b = el("button", cls, label);
  b.type = "button";
  b.addEventListener("click", fn);
  return b;
}

// The section for one pod; fetches its scheduling data itself.
export function schedulingSection(info, overlay) {
  const s = el("section", "detail-section scheduling");
  const title = el("h3");
  title.append("Scheduling");
  const why = el("div", "why-box");
  const compared = el("div", "compare-box");
  const { namespace: ns, name } = info;
  const show = async () => {
    try {
      const data = await overlay.show(ns, name);
      if (data.whyPending) {
        const h = el("h3");
        h.append("Why ", termSpan("pending"), "?");
        why.replaceChildren(h, whyPending(data.whyPending));
      } else {
        why.replaceChildren();
      }
    } catch (err) { toast(err.message, true); }
  };
  const buttons = el("div", "detail-actions");
  buttons.append(
    button("Show on map", "overlay-show", show),
    button("Compare profiles", "compare-profiles-button", async () => {
      compared.replaceChildren(el("p", "muted", "Dry-running four profiles…"));
      try {
        compared.replaceChildren(compareTable(await overlay.compare(ns, name)));
        show();
      } catch (err) { compared.replaceChildren(el("p", "error", err.message)); }
    }),
    button("Clear overlay", "overlay-clear-panel", () => overlay.clear()));
  buttons.title = "Shift-click a pod on the map to show its scheduling; Esc clears it.";
  s.append(title, buttons, why, compared);
  // Selecting a pod is the question "where could it go?": answer it on the map at once.
  show();
  return s;
}
