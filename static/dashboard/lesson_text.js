// Lesson text to DOM: paragraphs, `code`, **bold** and [[term]] / [[term|s]] words that
// follow the vocabulary switch (dashboard/vocabulary.py is the only place words are spelt).
import { termSpan } from "./vocab.js";

const TOKEN = /(\[\[[A-Za-z]+(?:\|s)?\]\]|`[^`]+`|\*\*[^*]+\*\*)/;

export function inline(parent, text) {
  for (const part of text.split(TOKEN)) {
    if (!part) continue;
    if (part.startsWith("[[")) {
      const m = part.match(/^\[\[([A-Za-z]+)(\|s)?\]\]$/);
      const key = m[1].toLowerCase();
      parent.append(termSpan(key, { plural: !!m[2], cap: m[1][0] !== m[1][0].toLowerCase() }));
    } else if (part.startsWith("`")) {
      const code = document.createElement("code");
      code.textContent = part.slice(1, -1);
      parent.append(code);
    } else if (part.startsWith("**")) {
      const b = document.createElement("strong");
      b.textContent = part.slice(2, -2);
      parent.append(b);
    } else {
      parent.append(part);
    }
  }
}

// Blank lines separate paragraphs; lines starting with "- " make a list.
export function renderText(container, text) {
  container.replaceChildren();
  for (const block of (text || "").trim().split(/\n\s*\n/)) {
    const lines = block.split("\n");
    if (lines.every((l) => l.trim().startsWith("- "))) {
      const ul = document.createElement("ul");
      for (const line of lines) {
        const li = document.createElement("li");
        inline(li, line.trim().slice(2));
        ul.append(li);
      }
      container.append(ul);
    } else {
      const p = document.createElement("p");
      inline(p, lines.join(" "));
      container.append(p);
    }
  }
}
