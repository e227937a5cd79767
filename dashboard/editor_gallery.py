"""The editor's gallery of starting points: the YAML files in dashboard/gallery/.

Each file starts with `# title: ...`; the rest of its comments stay in the text, so the
student reads why the example is shaped as it is. Read once per process: they are data
shipped with the code.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

GALLERY = Path(__file__).resolve().parent / "gallery"


@lru_cache(maxsize=1)
def examples() -> tuple[dict, ...]:
    """[{id, title, text}] in file-name order."""
    found = []
    for path in sorted(GALLERY.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        first, _, rest = text.partition("\n")
        title = first.removeprefix("# title:").strip() if first.startswith("# title:") \
            else path.stem
        found.append({"id": path.stem, "title": title,
                      "text": rest if first.startswith("# title:") else text})
    return tuple(found)
