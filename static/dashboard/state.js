// The browser's copy of the visible cluster: a snapshot, then deltas in revision order.
// Listeners are told which keys changed once per animation frame, so a burst of events
// costs one render, not one per event.
// Time travel (static/dashboard/timeline.js) swaps in a reconstructed object map with
// show(); live deltas keep going into `live` meanwhile, unseen, and goLive() swaps back.
export const keyOf = (kind, ns, name) => `${kind}/${ns || ""}/${name}`;

export class ClusterState {
  constructor() {
    this.objects = new Map();   // key -> object: what is drawn (live, or a past moment)
    this.live = this.objects;   // key -> object: the present, always kept up to date
    this.travelling = false;    // true while a past moment is drawn
    this.shownAt = null;        // the revision drawn while travelling
    this.taps = [];             // fn(events) for every live delta (the timeline records them)
    this.rv = 0;                // last revision applied
    this.listeners = [];
    this.dirty = new Set();
    this.full = false;          // a snapshot replaced everything
    this.frame = 0;
    this.appliedAt = new Map(); // key -> time its change was applied (for the benchmark)
    this.deltaCount = 0;        // changes received, for the event-rate chart
  }

  onRender(fn) { this.listeners.push(fn); }

  byKind(kind) {
    const out = [];
    for (const obj of this.objects.values()) if (obj.kind === kind) out.push(obj);
    return out;
  }

  get(kind, ns, name) { return this.objects.get(keyOf(kind, ns, name)); }

  snapshot(message) {
    this.live.clear();
    for (const obj of message.objects) {
      this.live.set(keyOf(obj.kind, obj.metadata.namespace, obj.metadata.name), obj);
    }
    this.rv = message.rv;
    for (const fn of this.taps) fn(null, message);  // history can no longer be extended
    if (this.travelling) return;
    this.full = true;
    this.schedule();
  }

  /** Draw a past moment: `objects` is the caller's map, never changed here. Not a "full"
   * render: that would also redraw the hidden tabs on every step of a scrub. */
  show(objects, rev) {
    this.travelling = true;
    this.objects = objects;
    this.shownAt = rev;
    this.schedule();
  }

  /** Back to the present, with every delta that arrived meanwhile. */
  goLive() {
    this.travelling = false;
    this.objects = this.live;
    this.shownAt = null;
    this.full = true;
    this.schedule();
  }

  apply(events) {
    const now = performance.now();
    this.deltaCount += events.length;
    for (const fn of this.taps) fn(events);
    const live = this.live;
    for (const ev of events) {
      if (ev.rev <= this.rv) continue;  // already part of the snapshot or seen
      this.rv = ev.rev;
      const m = ev.object.metadata;
      const key = keyOf(ev.kind, m.namespace, m.name);
      const held = live.get(key);
      // A replayed change older than what the snapshot showed would step backwards.
      if (held && ev.type !== "DELETED" && Number(held.metadata.resourceVersion) > ev.rev) continue;
      if (ev.type === "DELETED") live.delete(key);
      else live.set(key, ev.object);
      if (this.travelling) continue;  // drawn on goLive(), as part of a full render
      this.dirty.add(key);
      this.appliedAt.set(key, now);
    }
    if (this.dirty.size) this.schedule();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const changed = this.dirty;
      const full = this.full;
      this.dirty = new Set();
      this.full = false;
      for (const fn of this.listeners) fn({ changed, full });
      window.dispatchEvent(new CustomEvent("kubelab:rendered",
        { detail: { rv: this.rv, travelling: this.travelling, shownAt: this.shownAt } }));
    });
  }
}
