"""Label and field selectors, as used by ?labelSelector=, ?fieldSelector= and object specs.

Label selectors come in two shapes: the string syntax of query parameters (`app=web,tier!=db`)
and the metav1.LabelSelector map found in Deployments and ReplicaSets. Both parse into the same
LabelSelector, so list filtering and controllers share one matching rule. Field selectors only
support equality on a per-resource whitelist of fields, like the real API server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple


class SelectorError(ValueError):
    """A selector that cannot be parsed; str(error) is meant for the client."""


# --- label keys and values ---

_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_NAME_RULE = (
    "must be 63 characters or less, begin and end with a letter or digit, and contain only "
    'letters, digits, "-", "_" and "."'
)


def label_key_problem(key: str) -> str | None:
    """Why `key` is not a valid label key (`[prefix/]name`), or None if it is."""
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not _DNS_SUBDOMAIN.fullmatch(prefix)):
        return (
            f'invalid label key "{key}": prefix must be a DNS subdomain (lowercase letters, '
            'digits, "-" and ".", at most 253 characters)'
        )
    if len(name) > 63 or not _NAME.fullmatch(name):
        return f'invalid label key "{key}": name part {_NAME_RULE}'
    return None


def label_value_problem(value: str) -> str | None:
    """Why `value` is not a valid label value (empty is allowed), or None if it is."""
    if value == "" or (len(value) <= 63 and _NAME.fullmatch(value)):
        return None
    return f'invalid label value "{value}": {_NAME_RULE}'


# --- label selectors ---

EQUALS = "="
NOT_EQUALS = "!="
IN = "in"
NOT_IN = "notin"
EXISTS = "exists"
DOES_NOT_EXIST = "!"

_EXPRESSION_OPERATORS = {
    "In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST,
}


@dataclass(frozen=True, order=True)
class Requirement:
    """One condition on one label key. `values` is sorted and free of duplicates."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Canonical values make equal requirements compare and print equal.
        object.__setattr__(self, "values", tuple(sorted(set(self.values))))

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        if self.operator == EQUALS:
            return present and value == self.values[0]
        if self.operator == NOT_EQUALS:
            return not present or value != self.values[0]
        if self.operator == IN:
            return present and value in self.values
        if self.operator == NOT_IN:
            return not present or value not in self.values
        if self.operator == EXISTS:
            return present
        return not present

    def __str__(self) -> str:
        if self.operator in (EQUALS, NOT_EQUALS):
            return f"{self.key}{self.operator}{self.values[0]}"
        if self.operator in (IN, NOT_IN):
            return f"{self.key} {self.operator} ({','.join(self.values)})"
        if self.operator == EXISTS:
            return self.key
        return f"!{self.key}"


@dataclass(frozen=True)
class LabelSelector:
    """All requirements must hold. No requirements means every label set matches."""

    requirements: tuple[Requirement, ...] = ()

    def __post_init__(self) -> None:
        # Sorted and deduplicated, so equal selectors compare equal and print the same string.
        object.__setattr__(self, "requirements", tuple(sorted(set(self.requirements))))

    @property
    def empty(self) -> bool:
        return not self.requirements

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        labels = labels or {}
        return all(requirement.matches(labels) for requirement in self.requirements)

    def __str__(self) -> str:
        return ",".join(str(requirement) for requirement in self.requirements)


class _Token(NamedTuple):
    kind: str  # "word", "op" or "end"
    text: str
    pos: int

    def describe(self) -> str:
        return "end of input" if self.kind == "end" else f'"{self.text}"'


_LABEL_TOKEN = re.compile(r"\s*(?:(?P<op>==|!=|=|!|\(|\)|,)|(?P<word>[^\s=!(),]+))")


class _LabelParser:
    """Recursive-descent parser for the label selector string syntax."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[_Token] = []
        pos = 0
        while True:
            match = _LABEL_TOKEN.match(text, pos)
            if match is None:  # only trailing whitespace is left
                break
            kind = "op" if match.group("op") else "word"
            self.tokens.append(_Token(kind, match.group(kind), match.start(kind)))
            pos = match.end()
        self.tokens.append(_Token("end", "", len(text)))
        self.index = 0
        self.start = 0  # where the requirement being parsed begins, for messages

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def next(self) -> _Token:
        token = self.tokens[self.index]
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def fail(self, problem: str, token: _Token | None = None) -> SelectorError:
        # Quote only the failing requirement: up to the next comma outside parentheses.
        depth, end = 0, len(self.text)
        for offset, char in enumerate(self.text[self.start :], start=self.start):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if char == "," and depth <= 0:
                end = offset
                break
        where = f" at position {token.pos}" if token is not None else ""
        quoted = self.text[self.start : end].strip()
        if not quoted:  # e.g. a trailing comma: there is no requirement text to show
            return SelectorError(f'unable to parse label selector "{self.text}": {problem}{where}')
        return SelectorError(f'unable to parse requirement: "{quoted}": {problem}{where}')

    def parse(self) -> LabelSelector:
        if self.peek().kind == "end":
            return LabelSelector()
        requirements = []
        while True:
            self.start = self.peek().pos
            requirements.append(self.requirement())
            token = self.next()
            if token.kind == "end":
                return LabelSelector(tuple(requirements))
            if token.text != ",":
                raise self.fail(f"expected \",\" between requirements, found {token.describe()}",
                                token)

    def requirement(self) -> Requirement:
        token = self.next()
        if token.text == "!":
            return Requirement(self.key(self.next()), DOES_NOT_EXIST)
        key = self.key(token)
        operator = self.peek()
        if operator.kind == "end" or operator.text == ",":
            return Requirement(key, EXISTS)
        self.next()
        if operator.text in ("=", "==", "!="):
            word = self.peek()
            value = self.next().text if word.kind == "word" else ""
            self.check(label_value_problem(value), word)
            return Requirement(key, NOT_EQUALS if operator.text == "!=" else EQUALS, (value,))
        if operator.kind == "word" and operator.text in (IN, NOT_IN):
            return Requirement(key, operator.text, self.value_set())
        raise self.fail(
            f"expected an operator (=, ==, !=, in, notin), a \",\" or the end after key \"{key}\", "
            f"found {operator.describe()}",
            operator,
        )

    def key(self, token: _Token) -> str:
        if token.kind != "word":
            raise self.fail(f"expected a label key, found {token.describe()}", token)
        self.check(label_key_problem(token.text), token)
        return token.text

    def value_set(self) -> tuple[str, ...]:
        opening = self.next()
        if opening.text != "(":
            raise self.fail(f'expected "(" to start the value list, found {opening.describe()}',
                            opening)
        if self.peek().text == ")":
            raise self.fail("the value list of in/notin cannot be empty", self.next())
        values = []
        while True:
            word = self.peek()
            # An empty slot, as in "(a,,b)", stands for the empty label value.
            value = self.next().text if word.kind == "word" else ""
            self.check(label_value_problem(value), word)
            values.append(value)
            token = self.next()
            if token.text == ")":
                return tuple(values)
            if token.text != ",":
                raise self.fail(f'expected "," or ")" in the value list, found {token.describe()}',
                                token)

    def check(self, problem: str | None, token: _Token) -> None:
        if problem is not None:
            raise self.fail(problem, token)


def parse_label_selector(text: str) -> LabelSelector:
    """Parse the ?labelSelector= syntax; an empty string selects everything."""
    return _LabelParser(text).parse()


def label_selector_from_map(labels: Mapping[str, Any] | None) -> LabelSelector:
    """Equality on every entry, as in a Service's spec.selector or matchLabels."""
    if labels is None:
        return LabelSelector()
    if not isinstance(labels, Mapping):
        raise SelectorError(f"label selector map must be a map, got {type(labels).__name__}")
    requirements = []
    for key, value in labels.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise SelectorError(f"label selector map entries must be strings: {key!r}: {value!r}")
        problem = label_key_problem(key) or label_value_problem(value)
        if problem is not None:
            raise SelectorError(problem)
        requirements.append(Requirement(key, EQUALS, (value,)))
    return LabelSelector(tuple(requirements))


def label_selector_from_dict(sel: Mapping[str, Any] | None) -> LabelSelector:
    """Convert a metav1.LabelSelector (matchLabels + matchExpressions).

    None and {} give a selector that matches everything; whether an empty selector should mean
    "everything" or "nothing" depends on the caller, which can check `.empty`.
    """
    if sel is None:
        return LabelSelector()
    if not isinstance(sel, Mapping):
        raise SelectorError(f"label selector must be a map, got {type(sel).__name__}")
    requirements = list(label_selector_from_map(sel.get("matchLabels")).requirements)
    expressions = sel.get("matchExpressions") or []
    if not isinstance(expressions, list):
        raise SelectorError("matchExpressions must be a list")
    for index, expression in enumerate(expressions):
        requirements.append(_expression(expression, f"matchExpressions[{index}]"))
    return LabelSelector(tuple(requirements))


def _expression(expression: Any, where: str) -> Requirement:
    if not isinstance(expression, Mapping):
        raise SelectorError(f"{where}: must be a map")
    key, operator = expression.get("key"), expression.get("operator")
    values = expression.get("values") or []
    if not isinstance(key, str):
        raise SelectorError(f"{where}.key: must be a string")
    problem = label_key_problem(key)
    if problem is not None:
        raise SelectorError(f"{where}.key: {problem}")
    if operator not in _EXPRESSION_OPERATORS:
        raise SelectorError(
            f'{where}.operator: "{operator}" is not a valid label selector operator; '
            "expected In, NotIn, Exists or DoesNotExist"
        )
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise SelectorError(f"{where}.values: must be a list of strings")
    if operator in ("In", "NotIn") and not values:
        raise SelectorError(f"{where}.values: must be specified when operator is {operator}")
    if operator in ("Exists", "DoesNotExist") and values:
        raise SelectorError(f"{where}.values: may not be specified when operator is {operator}")
    for value in values:
        problem = label_value_problem(value)
        if problem is not None:
            raise SelectorError(f"{where}.values: {problem}")
    return Requirement(key, _EXPRESSION_OPERATORS[operator], tuple(values))


# --- field selectors ---

_FIELD_ESCAPES = {"\\": "\\", ",": ",", "=": "="}


@dataclass(frozen=True)
class FieldRequirement:
    field: str
    operator: str  # EQUALS or NOT_EQUALS
    value: str

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return (field_value(obj, self.field) == self.value) == (self.operator == EQUALS)

    def __str__(self) -> str:
        escaped = "".join("\\" + c if c in _FIELD_ESCAPES else c for c in self.value)
        return f"{self.field}{self.operator}{escaped}"


@dataclass(frozen=True)
class FieldSelector:
    """All requirements must hold. No requirements means every object matches."""

    requirements: tuple[FieldRequirement, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.requirements

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return all(requirement.matches(obj) for requirement in self.requirements)

    def equals(self, field_name: str) -> str | None:
        """The value `field_name` must equal, if the selector says so (lets callers use SQL)."""
        for requirement in self.requirements:
            if requirement.field == field_name and requirement.operator == EQUALS:
                return requirement.value
        return None

    def __str__(self) -> str:
        return ",".join(str(requirement) for requirement in self.requirements)


def field_value(obj: Mapping[str, Any], path: str) -> str:
    """The value at a dotted path as the API server compares it: missing is "", bools lowercase."""
    node: Any = obj
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return ""
        node = node[part]
    if node is None:
        return ""
    if isinstance(node, bool):
        return "true" if node else "false"
    return str(node) if isinstance(node, (str, int, float)) else ""


def parse_field_selector(text: str, allowed: Iterable[str]) -> FieldSelector:
    """Parse ?fieldSelector=: comma-separated `field=value`, `field==value`, `field!=value`.

    Values may escape "\\", "," and "=" with a backslash. Fields outside `allowed` are rejected,
    because silently ignoring them would return objects the client meant to filter out.
    """
    allowed = set(allowed)
    requirements = []
    for term in _split_terms(text):
        if not term.strip():
            continue
        match = re.search(r"!=|==|=", term)
        name = term[: match.start()].strip() if match else ""
        if match is None or not name:
            raise SelectorError(
                f'invalid field selector term "{term.strip()}": '
                "expected field=value, field==value or field!=value"
            )
        if name not in allowed:
            raise SelectorError(f"field label not supported: {name}")
        value = _unescape(term[match.end() :].strip(), term)
        operator = NOT_EQUALS if match.group() == "!=" else EQUALS
        requirements.append(FieldRequirement(name, operator, value))
    return FieldSelector(tuple(requirements))


def _split_terms(text: str) -> list[str]:
    """Split on commas that are not escaped; escapes stay in place for _unescape."""
    terms, current, index = [], "", 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            current += text[index : index + 2]
            index += 2
            continue
        if char == ",":
            terms.append(current)
            current = ""
        else:
            current += char
        index += 1
    terms.append(current)
    return terms


def _unescape(value: str, term: str) -> str:
    result, index = "", 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            escaped = value[index + 1 : index + 2]
            if escaped not in _FIELD_ESCAPES:
                raise SelectorError(
                    f'invalid field selector term "{term.strip()}": invalid escape sequence '
                    f'"\\{escaped}" (only \\\\, \\, and \\= are allowed)'
                )
            result += escaped
            index += 2
        else:
            result += char
            index += 1
    return result
