// The drawn objects by kind, and what changed since the last frame, so that a frame costs
// what changed in it rather than a walk over every object: at 10,000 pods a scan per
// frame was what froze the page during a burst.
//
// Live, ClusterState names the keys that changed. A snapshot, a return to the present or a
// moment of time travel names none (the object map is replaced or edited wholesale), so
// those frames compare every object with the one last seen: by identity, about a
// millisecond for 10,000 objects, and only the objects that differ are redrawn.
const kindOf = (key) => key.slice(0, key.indexOf("/"));

export class KindIndex {
  constructor(state) {
    this.state = state;
    this.seen = new Map();   // key -> the object as last synced
    this.kinds = new Map();  // kind -> Map(key -> object)
    this.source = null;      // the state's object map last synced from
  }

  /** Objects of one kind: a live Map (key -> object), not to be changed by the caller. */
  of(kind) {
    let m = this.kinds.get(kind);
    if (!m) { m = new Map(); this.kinds.set(kind, m); }
    return m;
  }

  /** Objects of one kind as an array (a copy). */
  byKind(kind) { return [...this.of(kind).values()]; }

  /**
   * Catch up with the state. `changed`: the keys ClusterState reported for this frame, or
   * null to compare everything. Returns the changes: [{key, kind, old, obj}], where `old`
   * is undefined for a new object and `obj` undefined for a deleted one.
   */
  sync(changed, full = false) {
    const src = this.state.objects;
    const out = [];
    const note = (key, old, obj) => {
      const kind = (obj || old).kind || kindOf(key);
      if (obj) { this.seen.set(key, obj); this.of(kind).set(key, obj); }
      else { this.seen.delete(key); this.of(kind).delete(key); }
      out.push({ key, kind, old, obj });
    };
    if (full || !changed || src !== this.source || this.state.travelling) {
      this.source = src;
      for (const [key, obj] of src) {
        const old = this.seen.get(key);
        if (old !== obj) note(key, old, obj);
      }
      // Every key of src is in `seen` now: anything more is gone.
      if (this.seen.size > src.size) {
        for (const [key, old] of this.seen) if (!src.has(key)) note(key, old, undefined);
      }
    } else {
      for (const key of changed) {
        const obj = src.get(key);
        const old = this.seen.get(key);
        if (old !== obj) note(key, old, obj);
      }
    }
    return out;
  }
}

/** The kinds present in a list of changes. */
export function kindsIn(changes) {
  const kinds = new Set();
  for (const c of changes) kinds.add(c.kind);
  return kinds;
}
