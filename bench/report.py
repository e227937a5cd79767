"""Writing one benchmark's section of docs/benchmarks.md between its markers."""
from __future__ import annotations

import os
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_section(name: str, body: str, doc: Path = DOC) -> None:
    """Replace the text between `<!-- bench:NAME:start -->` and `...:end -->`, or append.
    KUBELAB_BENCH_NO_WRITE=1 leaves the document alone (exploratory or loaded-machine runs
    must not replace the recorded figures)."""
    if os.environ.get("KUBELAB_BENCH_NO_WRITE") == "1":
        print(f"(KUBELAB_BENCH_NO_WRITE=1: section {name!r} not written)")
        return
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    text = doc.read_text() if doc.exists() else f"# {doc.stem.capitalize()}\n"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip() + f"\n\n## {name}\n\n{block}\n"
    doc.parent.mkdir(exist_ok=True)
    doc.write_text(text)
