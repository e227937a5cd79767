// The cluster map: nodes as boxes (grouped by a label such as the zone), pods as chips in
// their node, unscheduled pods in the pending lane.
//
// Incremental, so that it keeps up with 1,000 nodes and 10,000 pods: each frame gets the
// changes (index.js) and draws only the objects in them; each node's requested cpu and
// memory is a running sum adjusted by the pods that changed, not a walk over every pod.
// What there is to draw waits in an ordered queue that is drained for at most SLICE_MS per
// frame, so a snapshot of 10,000 pods is built over a few dozen frames instead of one
// task of seconds, and the page keeps answering while it is. While the first big batch is
// built the node boxes stay out of the document (staged) and go in at once when it is
// done: attached as they were built, every frame re-laid out the growing grid of boxes,
// which cost more than building them.
import { drawBars, drawChip, drawNode, newChip, nodeBox } from "./mapdom.js";
import { podRequests } from "./model.js";
import { keyOf } from "./state.js";

const SLICE_MS = 24;     // DOM work per frame; with the browser's own share, well under 50 ms
const BULK = 200;        // more to draw than this (a snapshot): chips appear without animating
const NODE = "\u0000";   // queue entries for node boxes are NODE + name; pods use state keys
const ZERO = { cpu: 0, memory: 0, pods: 0 };
const FINISHED = new Set(["Succeeded", "Failed"]);

// The order localeCompare gives, from one collator: localeCompare per call was most of
// the time spent placing 1,000 boxes.
const collate = new Intl.Collator().compare;

function insertSorted(parent, e, name) {
  const last = parent.lastElementChild;
  if (!last || collate(last.dataset.name, name) <= 0) { parent.append(e); return; }
  for (const c of parent.children) {
    if (collate(c.dataset.name, name) > 0) { parent.insertBefore(e, c); return; }
  }
}

export class ClusterMap {
  constructor(root, state, view, index) {
    this.root = root;
    this.state = state;
    this.index = index;
    this.view = view;  // {namespace, colourBy, groupBy, highlight: Set|null, onSelect}
    this.boxes = new Map();    // node name -> its box (mapdom.nodeBox)
    this.podEls = new Map();   // pod key -> chip
    this.zoneEls = new Map();  // zone -> section (app.js clears it to regroup)
    this.usage = new Map();    // node name -> {cpu (millicores), memory, pods} requested
    this.share = new Map();    // pod key -> {node, cpu, memory}: what it adds to `usage`
    this.onNode = new Map();   // node name -> Set of keys of the pods bound to it
    this.pending = new Set();  // keys of the chips in the pending lane
    this.queue = new Set();    // what to draw, in order (a Set: a second change coalesces)
    this.drawn = {};           // the view settings the chips were drawn with
    this.frame = 0;
    this.staged = null;        // while the first big batch is built: the detached #zones
    this.pendingChips = root.querySelector("#pending-lane .chips");
    this.pendingCount = root.querySelector("#pending-lane .count");
    this.zones = root.querySelector("#zones");
    this.empty = root.querySelector("#no-nodes");
    // One listener for every chip and node title (not one per element: 11,000 closures).
    root.addEventListener("click", (ev) => {
      const chip = ev.target.closest(".pod");
      if (chip) { this.view.onSelect("Pod", chip.dataset.ns, chip.dataset.name); return; }
      const title = ev.target.closest(".node-name");
      if (title) this.view.onSelect("Node", "", title.closest(".node").dataset.name);
    });
  }

  /** Take this frame's changes (index.sync) and the current view; draw what they touch. */
  update(changes) {
    // The first batch of a big cluster: build the boxes detached, attach them when done.
    if (!this.boxes.size && !this.staged && changes.length > BULK) {
      this.staged = this.zones;
      this.placeholder = document.createComment("zones being built");
      this.zones.replaceWith(this.placeholder);
    }
    // The changes first: a snapshot lists nodes before pods, and a chip drawn before its
    // node's box would go to the pending lane, then move.
    for (const c of changes) {
      if (c.kind === "Pod") this.podChanged(c);
      else if (c.kind === "Node") this.queue.add(NODE + (c.obj || c.old).metadata.name);
    }
    const v = this.view, d = this.drawn;
    if (v.groupBy !== d.groupBy) for (const name of this.boxes.keys()) this.queue.add(NODE + name);
    if (v.namespace !== d.namespace || v.colourBy !== d.colourBy || v.highlight !== d.highlight) {
      for (const key of this.index.of("Pod").keys()) this.queue.add(key);
      for (const key of this.podEls.keys()) this.queue.add(key);  // those to take away
    }
    this.drawn = { groupBy: v.groupBy, namespace: v.namespace, colourBy: v.colourBy, highlight: v.highlight };
    // Already draining over frames: that frame continues, in queue order.
    if (!this.frame) this.drain();
  }

  podChanged({ key, old, obj }) {
    const before = old?.spec?.nodeName || "", after = obj?.spec?.nodeName || "";
    if (before !== after) {
      this.onNode.get(before)?.delete(key);
      if (after) {
        if (!this.onNode.has(after)) this.onNode.set(after, new Set());
        this.onNode.get(after).add(key);
      }
    }
    const was = this.share.get(key);
    const now = after && !FINISHED.has(obj.status?.phase) ? { node: after, ...podRequests(obj) } : null;
    this.queue.add(key);
    // A label or status change leaves the node's sums alone: its box need not be redrawn.
    if (was && now && was.node === now.node && was.cpu === now.cpu && was.memory === now.memory) return;
    if (was) this.add(was, -1);
    if (now) this.add(now, 1);
    if (now) this.share.set(key, now); else this.share.delete(key);
  }

  add(share, sign) {
    const u = this.usage.get(share.node) || { cpu: 0, memory: 0, pods: 0 };
    // Whole millicores and bytes: sums of fractions would drift as pods come and go.
    u.cpu += sign * Math.round(share.cpu * 1000);
    u.memory += sign * Math.round(share.memory);
    u.pods += sign;
    this.usage.set(share.node, u);
    this.queue.add(NODE + share.node);
  }

  drain() {
    const started = performance.now();
    const fresh = [], leaving = [];
    let n = 0;
    for (const entry of this.queue) {
      this.queue.delete(entry);
      if (entry.startsWith(NODE)) this.drawNodeBox(entry.slice(1), fresh, leaving);
      else this.drawPod(entry, fresh, leaving);
      if ((++n & 31) === 0 && performance.now() - started > SLICE_MS) break;
    }
    if (!this.queue.size && this.staged) {
      this.placeholder.replaceWith(this.staged);
      this.staged = null;
    }
    // Only what differs: writing even the same text invalidates layout, and with a
    // thousand boxes every layout is work.
    const count = String(this.pending.size);
    if (this.pendingCount.textContent !== count) this.pendingCount.textContent = count;
    const empty = this.boxes.size === 0;
    if (this.empty.hidden === empty) this.empty.hidden = !empty;
    // One timer per frame for the enter and exit animations, not one per chip.
    if (fresh.length) setTimeout(() => { for (const e of fresh) e.classList.remove("new"); }, 400);
    if (leaving.length) setTimeout(() => { for (const e of leaving) e.remove(); }, 250);
    if (this.queue.size && !this.frame) {
      this.frame = requestAnimationFrame(() => { this.frame = 0; this.drain(); });
    }
  }

  zoneFor(node) {
    const label = this.view.groupBy;
    const zone = label ? (node.metadata.labels || {})[label] || "(none)" : "";
    let z = this.zoneEls.get(zone);
    if (!z) {
      z = document.createElement("section");
      z.className = "zone";
      z.dataset.zone = zone;
      const h = document.createElement("h3");
      h.className = "zone-name objname";
      h.textContent = zone ? `${label}=${zone}` : "";
      h.hidden = !zone;
      z._nodes = document.createElement("div");
      z._nodes.className = "nodes";
      z._count = 0;
      z.append(h, z._nodes);
      this.zones.append(z);
      this.zoneEls.set(zone, z);
    }
    return z;
  }

  leaveZone(box) {
    const z = box.zone;
    box.zone = null;
    if (!z || --z._count > 0) return;
    z.remove();
    if (this.zoneEls.get(z.dataset.zone) === z) this.zoneEls.delete(z.dataset.zone);
  }

  drawNodeBox(name, fresh, leaving) {
    const node = this.index.of("Node").get(keyOf("Node", "", name));
    let box = this.boxes.get(name);
    if (!node) {
      if (!box) return;
      this.boxes.delete(name);
      this.leaveZone(box);
      box.el.remove();
      this.movePods(name, fresh, leaving);  // to the pending lane
      return;
    }
    const created = !box;
    if (created) { box = nodeBox(name); this.boxes.set(name, box); }
    const zone = this.zoneFor(node);
    if (box.el.parentElement !== zone._nodes) {
      this.leaveZone(box);
      insertSorted(zone._nodes, box.el, name);
      box.zone = zone;
      zone._count += 1;
    }
    drawNode(box, node);
    const u = this.usage.get(name) || ZERO;
    drawBars(box, node, { cpu: u.cpu / 1000, memory: u.memory, pods: u.pods });
    if (created) this.movePods(name, fresh, leaving);  // out of the pending lane
  }

  /** Redraw the chips already drawn of pods bound to `name`: their node came or went. */
  movePods(name, fresh, leaving) {
    for (const key of this.onNode.get(name) || []) {
      if (this.podEls.has(key)) this.drawPod(key, fresh, leaving);
    }
  }

  drawPod(key, fresh, leaving) {
    const pod = this.index.of("Pod").get(key);
    const ns = this.view.namespace;
    let e = this.podEls.get(key);
    if (!pod || (ns && pod.metadata.namespace !== ns)) {
      if (!e) return;
      this.podEls.delete(key);
      this.pending.delete(key);
      // Thousands leaving at once (a namespace filter) go without their exit animation:
      // thousands of transitions at once are a long task of their own.
      if (this.queue.size >= BULK) { e.remove(); return; }
      e.classList.add("leaving");
      leaving.push(e);
      return;
    }
    const box = this.boxes.get(pod.spec?.nodeName || "");
    const parent = box ? box.chips : this.pendingChips;
    if (!e) {
      e = newChip(pod.metadata.namespace, pod.metadata.name);
      if (this.queue.size < BULK) { e.classList.add("new"); fresh.push(e); }
      this.podEls.set(key, e);
    }
    if (e.parentElement !== parent) parent.append(e);
    if (box) this.pending.delete(key); else this.pending.add(key);
    const hl = this.view.highlight;
    drawChip(e, pod, { pendingLane: !box, colourBy: this.view.colourBy, matched: hl ? hl.has(key) : null });
  }
}
