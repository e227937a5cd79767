// One websocket per page: snapshot first, then deltas; after a drop it reconnects with
// ?rv=<last applied revision> and the server replays what was missed (or re-snapshots).
export function connect(state, onStatus) {
  let delay = 500;
  let socket = null;
  let parts = null;  // a large snapshot arrives in parts (dashboard/frames.py): {first, objects, left}

  function open() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const resume = state.rv ? `?rv=${state.rv}` : "";
    socket = new WebSocket(`${scheme}://${location.host}/ws/cluster${resume}`);
    onStatus("connecting");
    parts = null;
    socket.onopen = () => { delay = 500; onStatus("live"); };
    socket.onmessage = (msg) => {
      const data = JSON.parse(msg.data);
      if (data.type === "snapshot" && data.parts > 1) {
        parts = { first: data, objects: data.objects, left: data.parts - 1 };
      } else if (data.type === "snapshot.part" && parts) {
        for (const obj of data.objects) parts.objects.push(obj);
        if (--parts.left === 0) { state.snapshot(parts.first); parts = null; }
      } else if (data.type === "snapshot") state.snapshot(data);
      else if (data.type === "events") state.apply(data.events);
    };
    socket.onclose = (ev) => {
      if (ev.code === 4401) { location.href = "/login"; return; }
      onStatus("reconnecting");
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    };
  }
  open();
  return { close: () => socket && socket.close() };
}
