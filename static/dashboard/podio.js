// A pod's live log tail and its terminal, in the details panel. Logs come from the API's
// pods/log?follow=true (relayed with the session cookie by /ui/log/...); the terminal is
// xterm.js over the API's exec websocket (channel.k8s.io v5: one channel byte per frame,
// 0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize). Either endpoint may be missing or
// refuse: the panel then says so instead of breaking. One pod's streams are open at a time.
const MAX_LOG_CHARS = 200_000;  // the tail keeps the newest text; older is dropped
const V5 = "v5.channel.k8s.io";
const STDIN = 0, STDOUT = 1, STDERR = 2, STATUS = 3, RESIZE = 4;
let open = [];  // close functions of the streams now running

const el = (tag, cls, text) => Object.assign(document.createElement(tag), cls ? { className: cls } : {},
  text !== undefined ? { textContent: text } : {});

export function stopPodIO() {
  for (const close of open) close();
  open = [];
}

async function explain(resp) {
  const text = await resp.text().catch(() => "");
  try { return JSON.parse(text).message || JSON.parse(text).error || text; } catch { return text || `HTTP ${resp.status}`; }
}

async function tail(pre, note, ns, name) {
  const abort = new AbortController();
  open.push(() => abort.abort());
  let resp;
  try {
    resp = await fetch(`/ui/log/${encodeURIComponent(ns)}/${encodeURIComponent(name)}?follow=true&tailLines=200`,
      { credentials: "same-origin", signal: abort.signal });
  } catch (err) {
    if (!abort.signal.aborted) note.textContent = `Logs not available yet (${err.message}).`;
    return;
  }
  if (!resp.ok) {
    const why = await explain(resp);
    note.textContent = resp.status === 404 && !why.includes(name) ? "Logs not available yet (no log endpoint)."
      : `Logs not available yet: ${why}`;
    note.classList.add("unavailable");
    return;
  }
  note.textContent = "following…";
  const reader = resp.body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      let text = pre.textContent + decoder.decode(value, { stream: true });
      if (text.length > MAX_LOG_CHARS) text = text.slice(-MAX_LOG_CHARS);
      const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.textContent = text;
      if (atBottom) pre.scrollTop = pre.scrollHeight;
    }
    note.textContent = "the container stopped; the log ended.";
  } catch {
    if (!abort.signal.aborted) note.textContent = "the log stream was cut.";
  }
}

function execURL(ns, name, command) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const q = new URLSearchParams([...command.map((c) => ["command", c]),
    ["stdin", "true"], ["stdout", "true"], ["stderr", "true"], ["tty", "true"]]);
  return `${scheme}://${location.host}/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/exec?${q}`;
}

async function terminal(box, note, ns, name) {
  let Terminal;
  try {
    ({ Terminal } = await import("/static/vendor/xterm/xterm.mjs"));
  } catch (err) {
    note.textContent = `The terminal could not be loaded: ${err.message}`;
    return;
  }
  if (!document.querySelector("link[data-xterm]")) {
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: "/static/vendor/xterm/xterm.css" });
    link.dataset.xterm = "1";
    document.head.append(link);
  }
  const term = new Terminal({ convertEol: false, fontSize: 13, rows: 16, cols: 80 });
  box.replaceChildren();
  term.open(box);
  const ws = new WebSocket(execURL(ns, name, ["sh"]), [V5]);
  ws.binaryType = "arraybuffer";
  let opened = false;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const send = (channel, bytes) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const frame = new Uint8Array(bytes.length + 1);
    frame[0] = channel;
    frame.set(bytes, 1);
    ws.send(frame);
  };
  ws.onopen = () => {
    opened = true;
    note.textContent = "connected";
    send(RESIZE, encoder.encode(JSON.stringify({ Width: term.cols, Height: term.rows })));
    term.focus();
  };
  ws.onmessage = (ev) => {
    const data = new Uint8Array(ev.data);
    if (!data.length) return;
    const body = data.subarray(1);
    if (data[0] === STDOUT || data[0] === STDERR) term.write(body);
    else if (data[0] === STATUS) {
      let status = {};
      try { status = JSON.parse(decoder.decode(body)); } catch { /* not JSON: show nothing */ }
      note.textContent = status.status === "Success" ? "the shell exited." : `exec: ${status.message || "failed"}`;
    }
  };
  ws.onclose = (ev) => {
    if (!opened) {
      note.textContent = `Terminal not available yet (the exec endpoint refused the connection${ev.code ? `, code ${ev.code}` : ""}).`;
      note.classList.add("unavailable");
    } else if (note.textContent === "connected") note.textContent = "disconnected.";
  };
  const input = term.onData((text) => send(STDIN, encoder.encode(text)));
  open.push(() => { input.dispose(); ws.close(); term.dispose(); });
}

export function podIO(ns, name) {
  const wrap = el("div", "podio");
  const logNote = el("p", "muted log-note", "connecting…");
  const pre = el("pre", "log-tail objname");
  const termNote = el("p", "muted term-note", "");
  const termBox = el("div", "pod-terminal");  // not "terminal": xterm.js uses that class itself
  const start = el("button", "open-terminal", "Open terminal");
  start.type = "button";
  start.addEventListener("click", () => {
    start.disabled = true;
    termNote.textContent = "connecting…";
    terminal(termBox, termNote, ns, name).catch((err) => {
      termNote.textContent = `Terminal not available yet: ${err.message}`;
      termNote.classList.add("unavailable");
    });
  });
  wrap.append(el("h4", "", "Log"), logNote, pre, el("h4", "", "Terminal"), start, termNote, termBox);
  tail(pre, logNote, ns, name);
  return wrap;
}
