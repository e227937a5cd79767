// Reading a recorded session (dashboard/history_format.py describes the format): JSON
// lines, gzip or not, from a file the user picked or from the server's /ui/history. Read
// as a stream, line by line, so a 100,000-event file never sits in memory as one string.
import { History } from "./timeline_history.js";

const FORMAT = "kubelab-session";
const BATCH = 5000;  // events handed to the history at a time, with a progress report

async function* lines(stream) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let rest = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const parts = (rest + value).split("\n");
    rest = parts.pop();
    for (const line of parts) if (line.trim()) yield line;
  }
  if (rest.trim()) yield rest;
}

/** The bytes of a Blob or Response body, un-gzipped when they start with gzip's magic. */
async function plainStream(blob) {
  const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
  const stream = blob.stream();
  return head[0] === 0x1f && head[1] === 0x8b ? stream.pipeThrough(new DecompressionStream("gzip")) : stream;
}

/** A History from a session file; `progress(done, total)` is told as events are read. */
export async function readSession(blob, progress = () => {}) {
  let header = null;
  let history = null;
  let batch = [];
  for await (const line of lines(await plainStream(blob))) {
    const obj = JSON.parse(line);
    if (!header) {
      if (obj.format !== FORMAT) throw new Error(`not a ${FORMAT} file`);
      header = obj;
    } else if (!history) {
      if (!obj.snapshot) throw new Error("the second line must be the snapshot");
      history = new History(obj.snapshot);
    } else {
      batch.push(obj);
      if (batch.length >= BATCH) {
        history.append(batch);
        batch = [];
        progress(history.length, header.events);
      }
    }
  }
  if (!history) throw new Error("the file ends before its snapshot");
  history.append(batch);
  progress(history.length, header.events);
  return { header, history };
}

/** The server's history of what this login may see (the same format, gzip). */
export async function fetchSession(progress) {
  const resp = await fetch("/ui/history?gzip=1", { credentials: "same-origin" });
  if (!resp.ok) throw new Error(`history: ${resp.status}`);
  return readSession(await resp.blob(), progress);
}
