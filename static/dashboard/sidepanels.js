// When the side panel's tabs are redrawn. A tab is drawn only while it is shown (a hidden
// one is drawn when it is opened) and only when a kind it shows changed: at once for the
// few objects it lists (Deployments, Services...), at most every THROTTLE_MS for kinds
// that change in bursts (pods, Events). At 10,000 pods, counting every selector's pods on
// every frame of a burst was a long task of its own.
import { kindsIn } from "./index.js";
import { renderEvents } from "./events.js";
import { renderServices } from "./services.js";
import { renderWorkloads } from "./workloads.js";

const THROTTLE_MS = 500;

export class SidePanels {
  constructor(index, view, selector) {
    const $ = (sel) => document.querySelector(sel);
    this.tabs = [
      { el: $("#tab-workloads"), kinds: ["Deployment", "ReplicaSet", "Service"], bursty: ["Pod"],
        draw: () => renderWorkloads($("#workload-list"), index, view, selector) },
      { el: $("#tab-services"), kinds: ["Service", "Endpoints"], bursty: [],
        draw: () => renderServices($("#service-list"), index, view) },
      { el: $("#tab-events"), kinds: [], bursty: ["Event"],
        draw: () => renderEvents($("#event-list"), index, view, $("#event-filter").value) },
    ];
    for (const tab of this.tabs) Object.assign(tab, { dirty: true, urgent: true, last: 0, timer: 0 });
  }

  /** `changes` of this frame (index.js); `all`: the view changed, redraw what is shown now. */
  update(changes, all) {
    const kinds = kindsIn(changes);
    for (const tab of this.tabs) {
      const urgent = all || tab.kinds.some((k) => kinds.has(k));
      if (urgent || tab.bursty.some((k) => kinds.has(k))) tab.dirty = true;
      tab.urgent ||= urgent;
    }
    this.flush();
  }

  flush() {
    const now = performance.now();
    for (const tab of this.tabs) {
      if (!tab.dirty || tab.el.hidden) continue;
      const wait = tab.urgent ? 0 : tab.last + THROTTLE_MS - now;
      if (wait > 0) {
        tab.timer ||= setTimeout(() => { tab.timer = 0; this.flush(); }, wait);
        continue;
      }
      Object.assign(tab, { dirty: false, urgent: false, last: now });
      tab.draw();
    }
  }
}
