// The browser's copy of the visible cluster: a snapshot, then deltas in revision order.
// Listeners are told which keys changed once per animation frame, so a burst of events
// costs one render, not one per event.
export const keyOf = (kind, ns, name) => `${kind}/${ns || ""}/${name}`;

export class ClusterState {
  constructor() {
    this.objects = new Map();   // key -> object
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
    this.objects.clear();
    for (const obj of message.objects) {
      this.objects.set(keyOf(obj.kind, obj.metadata.namespace, obj.metadata.name), obj);
    }
    this.rv = message.rv;
    this.full = true;
    this.schedule();
  }

  apply(events) {
    const now = performance.now();
    this.deltaCount += events.length;
    for (const ev of events) {
      if (ev.rev <= this.rv) continue;  // already part of the snapshot or seen
      this.rv = ev.rev;
      const m = ev.object.metadata;
      const key = keyOf(ev.kind, m.namespace, m.name);
      const held = this.objects.get(key);
      // A replayed change older than what the snapshot showed would step backwards.
      if (held && ev.type !== "DELETED" && Number(held.metadata.resourceVersion) > ev.rev) continue;
      if (ev.type === "DELETED") this.objects.delete(key);
      else this.objects.set(key, ev.object);
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
      window.dispatchEvent(new CustomEvent("kubelab:rendered", { detail: { rv: this.rv } }));
    });
  }
}
