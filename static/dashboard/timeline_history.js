// A recorded history held in the browser: a base state, the events after it in revision
// order, and keyframes (the whole state every EVERY events) so that any moment is the
// nearest keyframe plus fewer than EVERY changes: a seek costs the same at the start of a
// 100,000-event history as at its end. Objects are never copied, only the maps that point
// at them, so a keyframe costs one map entry per object.
import { keyOf } from "./state.js";

export const EVERY = 1000;

const keyOfEvent = (ev) => keyOf(ev.kind, ev.object.metadata.namespace, ev.object.metadata.name);

function applyTo(map, ev) {
  if (ev.type === "DELETED") map.delete(ev.key);
  else map.set(ev.key, ev.object);
}

export class History {
  /** `snapshot`: {rv, t, objects}; events follow with append(). */
  constructor(snapshot, every = EVERY) {
    this.every = every;
    const base = new Map();
    for (const obj of snapshot.objects) {
      base.set(keyOf(obj.kind, obj.metadata.namespace, obj.metadata.name), obj);
    }
    this.baseRev = snapshot.rv;
    this.t0 = snapshot.t;
    this.events = [];           // {rev, t, type, kind, object, key}
    this.keyframes = [base];    // keyframes[k]: the state after the first k * every events
    this.tip = new Map(base);   // the state after every event (grows the next keyframe)
    this.lastRev = snapshot.rv;
  }

  get length() { return this.events.length; }
  get tEnd() { return this.events.length ? this.events[this.events.length - 1].t : this.t0; }

  /** Add events newer than the last one held; `now` stamps live deltas, which carry no time. */
  append(events, now = Date.now()) {
    for (const raw of events) {
      if (raw.rev <= this.lastRev) continue;
      const ev = { ...raw, t: raw.t ?? Math.max(now, this.tEnd), key: keyOfEvent(raw) };
      this.lastRev = ev.rev;
      this.events.push(ev);
      applyTo(this.tip, ev);
      if (this.events.length % this.every === 0) this.keyframes.push(new Map(this.tip));
    }
  }

  /** A new map: the state after the first `count` events. */
  stateAt(count) {
    const n = Math.max(0, Math.min(count, this.events.length));
    const k = Math.floor(n / this.every);
    const map = new Map(this.keyframes[k]);
    for (let i = k * this.every; i < n; i++) applyTo(map, this.events[i]);
    return map;
  }

  /** Move `map` (the state after `from` events) forward to `to` events, in place. */
  forward(map, from, to) {
    for (let i = from; i < Math.min(to, this.events.length); i++) applyTo(map, this.events[i]);
    return map;
  }

  /** The revision drawn after `count` events. */
  revAt(count) { return count > 0 ? this.events[Math.min(count, this.events.length) - 1].rev : this.baseRev; }

  /** How many events happened at or before time `t` (ms). */
  countAtTime(t) { return this.upperBound((ev) => ev.t <= t); }

  /** How many events have a revision at or below `rev`. */
  countAtRev(rev) { return this.upperBound((ev) => ev.rev <= rev); }

  /** The moment (ms) after `count` events. */
  timeAt(count) { return count > 0 ? this.events[Math.min(count, this.events.length) - 1].t : this.t0; }

  upperBound(isBefore) {
    let lo = 0, hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (isBefore(this.events[mid])) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** The count just after the next (dir 1) or previous (dir -1) event of `key`, or -1. */
  stepOf(key, count, dir) {
    if (dir > 0) {
      for (let i = count; i < this.events.length; i++) if (this.events[i].key === key) return i + 1;
    } else {
      for (let i = count - 2; i >= 0; i--) if (this.events[i].key === key) return i + 1;
    }
    return -1;
  }
}
