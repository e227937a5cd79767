"""Multi-document YAML for the manifest editor: parse with positions, map field paths to lines.

The server's 422 causes name fields by path (`spec.template.spec.containers[0].image`);
the editor underlines lines. PyYAML's composed nodes keep their marks, so a path is walked
through the node tree instead of the constructed dicts. Lines and columns returned here
are 1-based, as an editor shows them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

MAX_TEXT = 512 * 1024  # a classroom manifest is a few KB; this keeps one request cheap
MAX_NODES = 50_000  # aliases can multiply a small text into a huge object ("billion laughs")


# libyaml's parser (when PyYAML was built with it) is several times faster than the pure
# Python one, and validation runs on every pause in typing. Both keep node marks.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader that keeps timestamps as text, as Kubernetes' YAML→JSON step does."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp",
                        lambda loader, node: loader.construct_scalar(node))


@dataclass
class Doc:
    index: int  # 0-based among the non-empty documents
    obj: Any
    node: yaml.Node
    line: int  # where the document's content starts


@dataclass
class Problem:
    message: str
    line: int
    column: int = 1


@dataclass
class Parsed:
    docs: list[Doc]
    error: Problem | None = None  # a YAML syntax error stops parsing at that document


def parse_documents(text: str) -> Parsed:
    """Every non-empty document up to the first syntax error, and that error if any."""
    if len(text) > MAX_TEXT:
        return Parsed([], Problem(f"the text is larger than {MAX_TEXT // 1024} KB", 1))
    loader = _Loader(text)
    docs: list[Doc] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None or _is_empty(node):
                continue  # `---` with nothing after it, or only comments
            if _count(node, MAX_NODES) >= MAX_NODES:
                return Parsed(docs, Problem("this document expands to too many values "
                                            "(YAML aliases?)", node.start_mark.line + 1))
            obj = _jsonable(loader.construct_document(node))
            docs.append(Doc(len(docs), obj, node, node.start_mark.line + 1))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(p for p in (exc.problem, exc.context and f"({exc.context})") if p)
        return Parsed(docs, Problem(f"YAML syntax error: {what or 'cannot parse'}",
                                    (mark.line + 1) if mark else 1,
                                    (mark.column + 1) if mark else 1))
    except yaml.YAMLError as exc:
        return Parsed(docs, Problem(f"YAML syntax error: {exc}", 1))
    except RecursionError:
        return Parsed(docs, Problem("the YAML is nested too deeply", 1))
    finally:
        loader.dispose()
    return Parsed(docs)


def _is_empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and not node.value


def _count(node: yaml.Node, limit: int) -> int:
    """Values reachable from `node`, aliases counted each time they are used; stops at limit."""
    seen, stack = 0, [node]
    while stack and seen < limit:
        current = stack.pop()
        seen += 1
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return seen


def _jsonable(value: Any) -> Any:
    """What the JSON body would be: keys as text, odd scalars (binary, sets) as text."""
    if isinstance(value, dict):
        return {_key(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _key(k: Any) -> str:
    if isinstance(k, bool):
        return "true" if k else "false"
    return k if isinstance(k, str) else str(k)


# --- field path → line -----------------------------------------------------

_TOKEN = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")


def split_path(path: str) -> list[str | int]:
    """`spec.containers[0].resources.limits[cpu]` → ['spec', 'containers', 0, ..., 'cpu']."""
    parts: list[str | int] = []
    for name, bracket in _TOKEN.findall(path or ""):
        if name:
            parts.append(name)
        elif bracket.isdigit():
            parts.append(int(bracket))
        else:
            parts.append(bracket)
    return parts


def locate(root: yaml.Node, path: str | list[str | int]) -> tuple[int, int, bool]:
    """(line, column, exact) of the field at `path` in a document.

    A key's position is where the key is written; a list item's is where the item starts
    (for a container, its `- name:` line). A field that is not in the text (a missing
    image, say) is placed at the deepest part of its path that is: `exact` is then False.
    """
    parts = split_path(path) if isinstance(path, str) else path
    mark = root.start_mark
    node: yaml.Node | None = root
    for part in parts:
        found = _child(node, part)
        if found is None:
            return mark.line + 1, mark.column + 1, False
        mark, node = found
    return mark.line + 1, mark.column + 1, True


def _child(node: yaml.Node | None, part: str | int) -> tuple[yaml.Mark, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key.start_mark, value
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
            and 0 <= part < len(node.value):
        item = node.value[part]
        return item.start_mark, item
    return None
