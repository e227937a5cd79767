// The timeline under the map: drag back to any moment of the recorded history and the
// map, panels and charts draw the cluster as it was; play forward at 1×, 5× or 20×; step
// to the chosen object's next or previous change; "Live" returns to the present.
//
// On the map page the history is the server's (/ui/history, dashboard/history.py), loaded
// the first time the timeline is touched and extended with every live delta after that;
// on /replay it comes from a file (load()). Seeks go through History's keyframes, and a
// small step forward applies only the events in between to the map already drawn.
import { showPast } from "./timeline_details.js";
import { fetchSession } from "./timeline_file.js";
import { EVERY } from "./timeline_history.js";

const SPEEDS = [1, 5, 20];
const QUIET_MS = 5000;  // playing skips stretches with no event longer than this (history time)

const clock = (t) => new Date(t).toLocaleTimeString([], { hour12: false });

function button(act, text, title, extra = {}) {
  const b = Object.assign(document.createElement("button"), { type: "button", textContent: text, title });
  b.dataset.act = act;
  Object.assign(b.dataset, extra);
  return b;
}

export class Timeline {
  /** `live`: a socket feeds `state` (map page); otherwise a file is load()ed (replay page). */
  constructor(root, state, view, panel, { live = true } = {}) {
    Object.assign(this, { root, state, view, panel, live });
    this.history = null;
    this.loading = null;
    this.pending = [];     // live deltas that arrived before the history did
    this.count = 0;        // events applied to the map drawn
    this.shown = null;     // the map drawn while travelling
    this.moment = 0;       // the time drawn (ms)
    this.playing = 0;      // speed, 0 when paused
    this.chosen = null;    // {kind, ns, name}
    this.build();
    state.taps.push((events) => this.record(events));
    // A seek is not a change: chips leaving a past moment go at once, not after their
    // exit animation (otherwise a fast scrub piles thousands of them up in the DOM).
    state.onRender(() => {
      if (state.travelling) for (const e of document.querySelectorAll("#map .pod.leaving")) e.remove();
    });
    const select = view.onSelect;
    view.onSelect = (kind, ns, name) => {  // composes with whatever else wraps onSelect
      this.choose(kind, ns, name);
      if (this.state.travelling) this.details(); else select(kind, ns, name);
    };
    this.setMode(live ? "live" : "empty");
    this.paint();
  }

  build() {
    const r = this.root;
    r.classList.add("timeline");
    // Until the history is here the slider is a fraction (0‥1000) of it, mapped on arrival.
    this.slider = Object.assign(document.createElement("input"), { type: "range", min: 0, max: 1000, value: 1000 });
    this.slider.className = "scrub";
    this.slider.setAttribute("aria-label", "moment");
    this.when = Object.assign(document.createElement("span"), { className: "when" });
    this.who = Object.assign(document.createElement("span"), { className: "chosen objname muted", textContent: "click an object to follow it" });
    r.replaceChildren(button("step", "◀", "previous event", { dir: "-1" }),
      ...SPEEDS.map((s) => button("play", `▶ ${s}×`, `play at ${s}× speed`, { speed: String(s) })),
      button("pause", "❚❚", "pause"), button("step", "▶", "next event", { dir: "1" }),
      this.slider, this.when, this.who,
      button("object", "◀ its change", "the chosen object's previous change", { dir: "-1" }),
      button("object", "its change ▶", "the chosen object's next change", { dir: "1" }));
    if (this.live) {
      const exp = Object.assign(document.createElement("a"), { href: "/ui/history?download=1", textContent: "Export", title: "save this history as a file to replay at /replay" });
      exp.className = "export";
      exp.setAttribute("download", "");
      r.append(button("live", "Live", "back to the present"), exp);
    }
    // The first touch loads the history; the click that caused it then does its job.
    r.addEventListener("pointerdown", () => this.ready(), true);
    r.addEventListener("click", (ev) => this.onClick(ev));
    this.slider.addEventListener("input", async () => {
      const value = Number(this.slider.value);
      const fraction = this.history ? null : value / 1000;
      const h = await this.ready();
      if (!h) return;
      this.pause();
      this.seekTime(fraction === null ? value : h.t0 + fraction * (h.tEnd - h.t0));
    });
  }

  async onClick(ev) {
    const b = ev.target.closest("button[data-act]");
    if (!b) return;
    const act = b.dataset.act;
    if (act === "live") { this.goLive(); return; }
    if (!(await this.ready())) return;
    if (act === "play") this.play(Number(b.dataset.speed));
    else if (act === "pause") this.pause();
    else if (act === "step") { this.pause(); this.seekCount(this.position() + Number(b.dataset.dir)); }
    else if (act === "object") { this.pause(); this.stepObject(Number(b.dataset.dir)); }
  }

  /** The history, fetched once on the map page; null when there is none. */
  ready() {
    if (this.history || !this.live) return Promise.resolve(this.history);
    const loading = this.loading ||= (async () => {
      this.setMode("loading");
      try {
        const { history } = await fetchSession((done, total) => {
          this.when.textContent = `loading history… ${done}/${total}`;
        });
        if (this.loading !== loading) return this.ready();  // forgotten meanwhile: again
        history.append(this.pending);
        this.pending = [];
        this.adopt(history);
        this.setMode(this.state.travelling ? "past" : "live");
      } catch (err) {
        this.when.textContent = `history unavailable: ${err.message}`;
        this.loading = null;
        this.setMode("live");
      }
      return this.history;
    })();
    return loading;
  }

  /** A history from a file (replay page): drawn at its first moment, paused. */
  load(history) {
    this.pause();
    this.adopt(history);
    this.shown = null;
    this.seekCount(0);
  }

  adopt(history) {
    this.history = history;
    this.slider.min = String(history.t0);
    this.paint();
  }

  record(events) {
    if (!events) {  // a re-snapshot after the socket fell too far behind: changes were missed
      if (this.live && !this.state.travelling) this.forget();
      return;
    }
    if (!this.history) { if (!this.loading) return; this.pending.push(...events); return; }
    this.history.append(events);
    if (!this.state.travelling) this.paint();
  }

  /** Drop the history, so the next touch loads it again (complete) from the server. */
  forget() {
    this.history = null;
    this.loading = null;
    this.pending = [];
    Object.assign(this.slider, { min: 0, max: 1000, value: 1000 });
    this.paint();
  }

  position() { return this.state.travelling ? this.count : this.history.length; }

  seekTime(t) { this.seekCount(this.history.countAtTime(t), t); }

  seekRev(rev) { this.seekCount(this.history.countAtRev(rev)); }

  /** Draw the state after `count` events (the whole history is the present only when live). */
  seekCount(count, moment) {
    const h = this.history;
    const n = Math.max(0, Math.min(count, h.length));
    if (this.shown && this.state.travelling && n >= this.count && n - this.count < EVERY) {
      h.forward(this.shown, this.count, n);
    } else {
      this.shown = h.stateAt(n);
    }
    this.count = n;
    this.moment = moment ?? h.timeAt(n);
    this.state.show(this.shown, h.revAt(n));
    if (!this.playing) this.setMode(!this.live && n === h.length ? "end" : "past");
    this.paint();
    if (this.chosen && !this.panel.hidden) this.details();
  }

  play(speed) {
    const h = this.history;
    if (!this.state.travelling || this.count >= h.length) this.seekCount(0);  // from the start
    this.playing = speed;
    this.setMode("playing");
    let last = performance.now();
    const tick = (now) => {
      if (this.playing !== speed) return;
      let moment = this.moment + (now - last) * speed;
      last = now;
      const next = h.events[this.count];
      if (next && next.t - moment > QUIET_MS) moment = next.t - QUIET_MS;
      if (moment >= h.tEnd) { this.finish(); return; }
      const n = h.countAtTime(moment);
      if (n !== this.count) this.seekCount(n, moment);
      else { this.moment = moment; this.paint(); }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  finish() {
    this.playing = 0;
    if (this.live) this.goLive();
    else this.seekCount(this.history.length);
  }

  pause() {
    if (!this.playing) return;
    this.playing = 0;
    this.setMode("past");
  }

  goLive() {
    if (!this.live) return;
    this.playing = 0;
    this.shown = null;
    this.state.goLive();
    this.setMode("live");
    this.paint();
    if (this.chosen && !this.panel.hidden) {
      this.view.onSelect(this.chosen.kind, this.chosen.ns, this.chosen.name);
    }
  }

  choose(kind, ns, name) {
    this.chosen = { kind, ns: ns || "", name };
    this.who.textContent = `${kind} ${ns ? ns + "/" : ""}${name}`;
    this.who.classList.remove("muted");
  }

  stepObject(dir) {
    if (!this.chosen) return;
    const { kind, ns, name } = this.chosen;
    const at = this.history.stepOf(`${kind}/${ns}/${name}`, this.position(), dir);
    if (at < 0) { this.who.dataset.none = dir > 0 ? "no later change" : "no earlier change"; return; }
    delete this.who.dataset.none;
    this.seekCount(at);
    this.details();
  }

  details() {
    if (!this.chosen || !this.state.travelling) return;
    showPast(this.panel, this.shown, this.chosen, `${clock(this.moment)} (revision ${this.history.revAt(this.count)})`,
      (dir) => { this.pause(); this.stepObject(dir); });
  }

  setMode(mode) {
    this.root.dataset.mode = mode;
    document.documentElement.classList.toggle("travelling", ["past", "playing", "end"].includes(mode));
    this.root.querySelector("[data-act=live]")?.toggleAttribute("disabled", mode === "live");
  }

  paint() {
    const h = this.history;
    if (!h) { this.when.textContent = this.live ? "live" : "no recording loaded"; return; }
    const travelling = this.state.travelling;
    this.slider.max = String(h.tEnd);
    this.slider.value = String(travelling ? this.moment : h.tEnd);
    this.root.dataset.count = String(travelling ? this.count : h.length);
    this.root.dataset.total = String(h.length);
    this.when.textContent = travelling
      ? `${clock(this.moment)} · event ${this.count} of ${h.length}${this.playing ? ` · ${this.playing}×` : ""}`
      : `live · ${h.length} events recorded`;
  }
}
