"""Unit tests for cluster.selectors: label selectors (string and map forms) and field selectors."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cluster.selectors import (
    DOES_NOT_EXIST,
    EQUALS,
    EXISTS,
    IN,
    NOT_EQUALS,
    NOT_IN,
    FieldRequirement,
    FieldSelector,
    LabelSelector,
    Requirement,
    SelectorError,
    label_selector_from_dict,
    label_selector_from_map,
    parse_field_selector,
    parse_label_selector,
)

POD_FIELDS = {"metadata.name", "metadata.namespace", "spec.nodeName", "status.phase"}


# --- label selector strings ---


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("app=web", {"app": "web"}, True),
        ("app==web", {"app": "web"}, True),
        ("app=web", {"app": "db"}, False),
        ("app=web", {}, False),
        ("app!=web", {"app": "db"}, True),
        ("app!=web", {}, True),  # a missing label is "not equal"
        ("app!=web", {"app": "web"}, False),
        ("app in (web,api)", {"app": "api"}, True),
        ("app in (web,api)", {}, False),
        ("app notin (web,api)", {"app": "db"}, True),
        ("app notin (web,api)", {}, True),
        ("app notin (web,api)", {"app": "web"}, False),
        ("app", {"app": ""}, True),
        ("app", {"tier": "x"}, False),
        ("!app", {"tier": "x"}, True),
        ("!app", {"app": "web"}, False),
        ("app=web,tier!=db", {"app": "web", "tier": "front"}, True),
        ("app=web,tier!=db", {"app": "web", "tier": "db"}, False),
        ("app.kubernetes.io/name=web", {"app.kubernetes.io/name": "web"}, True),
        ("app=", {"app": ""}, True),
        ("", {"anything": "at-all"}, True),
    ],
)
def test_label_selector_matches(text, labels, expected):
    assert parse_label_selector(text).matches(labels) is expected


def test_label_selector_tolerates_whitespace():
    selector = parse_label_selector("  app  in ( web ,api ) ,  tier != db , ! canary ")
    assert str(selector) == "app in (api,web),!canary,tier!=db"


def test_label_selector_string_form_is_canonical():
    assert str(parse_label_selector("b==2,a in (y,x,x),!c,d")) == "a in (x,y),b=2,!c,d"


def test_empty_label_selector_matches_everything_including_none():
    selector = parse_label_selector("")
    assert selector.empty
    assert selector.matches(None)
    assert str(selector) == ""


def test_label_selector_allows_empty_value_inside_set():
    selector = parse_label_selector("app in (web,)")
    assert selector.matches({"app": ""})
    assert selector.requirements == (Requirement("app", IN, ("", "web")),)


def test_in_and_notin_are_usable_as_label_keys():
    assert parse_label_selector("in in (notin)").matches({"in": "notin"})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("app in (web", 'unable to parse requirement: "app in \\(web": expected "," or "\\)" '
                        "in the value list, found end of input at position 11"),
        ("app in ()", "value list of in/notin cannot be empty"),
        ("app in web", 'expected "\\(" to start the value list, found "web"'),
        ("app web", 'found "web" at position 4'),
        ("app=web tier=db", 'expected "," between requirements, found "tier"'),
        ("app=web,", 'unable to parse label selector "app=web,": expected a label key, '
                     "found end of input"),
        ("=web", 'expected a label key, found "="'),
        ("!", "expected a label key, found end of input"),
        ("Bad_=x", 'invalid label key "Bad_"'),
        ("UPPER.example.com/x=y", 'invalid label key "UPPER.example.com/x": prefix must be'),
        ("a/b/c=d", "prefix must be a DNS subdomain"),
        ("/x=y", "prefix must be a DNS subdomain"),
        ("app=-web", 'invalid label value "-web".* at position 4'),
        ("app=" + "v" * 64, "must be 63 characters or less"),
        ("k" * 64, "must be 63 characters or less"),
        ("app in (ok,bad!)", 'expected "," or "\\)" in the value list, found "!"'),
        ("a=b,c d", 'unable to parse requirement: "c d"'),
    ],
)
def test_label_selector_parse_errors_say_what_and_where(text, message):
    with pytest.raises(SelectorError, match=message):
        parse_label_selector(text)


# --- label selectors from maps ---


def test_label_selector_from_dict_combines_labels_and_expressions():
    selector = label_selector_from_dict({
        "matchLabels": {"app": "web"},
        "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["front", "edge"]},
            {"key": "env", "operator": "NotIn", "values": ["dev"]},
            {"key": "team", "operator": "Exists"},
            {"key": "canary", "operator": "DoesNotExist", "values": []},
        ],
    })
    assert selector.matches({"app": "web", "tier": "edge", "team": "a"})
    assert not selector.matches({"app": "web", "tier": "edge", "team": "a", "canary": "1"})
    assert not selector.matches({"app": "web", "tier": "back", "team": "a"})
    assert not selector.matches({"app": "web", "tier": "edge", "team": "a", "env": "dev"})
    assert str(selector) == "app=web,!canary,env notin (dev),team,tier in (edge,front)"


@pytest.mark.parametrize("sel", [None, {}, {"matchLabels": {}, "matchExpressions": []}])
def test_label_selector_from_dict_empty_matches_everything(sel):
    selector = label_selector_from_dict(sel)
    assert selector.empty
    assert selector.matches({"a": "b"})


@pytest.mark.parametrize(
    ("sel", "message"),
    [
        ("app=web", "label selector must be a map"),
        ({"matchLabels": {"app": 1}}, "entries must be strings"),
        ({"matchLabels": {"bad key": "x"}}, 'invalid label key "bad key"'),
        ({"matchExpressions": {"key": "a"}}, "matchExpressions must be a list"),
        ({"matchExpressions": [{"key": "a", "operator": "Equals", "values": ["x"]}]},
         'matchExpressions\\[0\\].operator: "Equals" is not a valid label selector operator'),
        ({"matchExpressions": [{"key": "a", "operator": "In"}]},
         "must be specified when operator is In"),
        ({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
         "may not be specified when operator is Exists"),
        ({"matchExpressions": [{"operator": "Exists"}]}, "matchExpressions\\[0\\].key"),
        ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["-x"]}]},
         'invalid label value "-x"'),
    ],
)
def test_label_selector_from_dict_rejects_bad_input(sel, message):
    with pytest.raises(SelectorError, match=message):
        label_selector_from_dict(sel)


def test_label_selector_from_map_is_equality_on_every_entry():
    selector = label_selector_from_map({"app": "web", "tier": "front"})
    assert selector.matches({"app": "web", "tier": "front", "extra": "ok"})
    assert not selector.matches({"app": "web"})
    assert label_selector_from_map(None).empty


def test_equal_selectors_compare_equal_regardless_of_order():
    assert parse_label_selector("a=1,b=2") == parse_label_selector("b==2, a=1")
    assert label_selector_from_dict({"matchLabels": {"a": "1"}}) == parse_label_selector("a=1")


# --- property tests ---

_alnum = st.sampled_from("abcxyzABC019")
_names = st.builds(
    lambda first, middle, last: first + middle + last,
    _alnum, st.text("ab-_.9", max_size=5), _alnum,
) | _alnum
_keys = _names | st.builds(lambda prefix, name: f"{prefix}/{name}",
                           st.sampled_from(["example.com", "app.kubernetes.io", "a-b"]), _names)
_requirements = st.one_of(
    st.builds(lambda k, op, v: Requirement(k, op, (v,)),
              _keys, st.sampled_from([EQUALS, NOT_EQUALS]), _names | st.just("")),
    # A set holding only the empty value prints as "()", which the syntax cannot express.
    st.builds(lambda k, op, vs: Requirement(k, op, tuple(vs)),
              _keys, st.sampled_from([IN, NOT_IN]), st.lists(_names, min_size=1, max_size=3)),
    st.builds(Requirement, _keys, st.sampled_from([EXISTS, DOES_NOT_EXIST])),
)
_selectors = st.builds(lambda reqs: LabelSelector(tuple(reqs)), st.lists(_requirements, max_size=4))


@given(_selectors)
def test_label_selector_string_round_trips(selector):
    assert parse_label_selector(str(selector)) == selector


@given(_selectors, st.dictionaries(_keys, _names | st.just(""), max_size=4))
def test_parsed_selector_matches_like_the_original(selector, labels):
    assert parse_label_selector(str(selector)).matches(labels) == selector.matches(labels)


@given(st.text(max_size=20) | st.text(alphabet="ab/.=! (),", max_size=20)
       | st.lists(st.sampled_from(["a", "in", "notin", "(", ")", ",", "=", "!", " "])).map("".join))
def test_label_selector_parser_only_raises_selector_error(text):
    with contextlib.suppress(SelectorError):
        parse_label_selector(text)


# --- field selectors ---


def test_field_selector_matches_by_walking_dotted_path():
    pod = {"metadata": {"name": "web-1", "namespace": "default"}, "status": {"phase": "Running"}}
    assert parse_field_selector("status.phase=Running", POD_FIELDS).matches(pod)
    assert parse_field_selector("status.phase==Running", POD_FIELDS).matches(pod)
    assert not parse_field_selector("status.phase!=Running", POD_FIELDS).matches(pod)
    assert parse_field_selector("metadata.name=web-1,metadata.namespace=default",
                                POD_FIELDS).matches(pod)


def test_field_selector_treats_missing_field_as_empty_string():
    unscheduled = {"spec": {}}
    assert parse_field_selector("spec.nodeName=", POD_FIELDS).matches(unscheduled)
    assert not parse_field_selector("spec.nodeName!=", POD_FIELDS).matches(unscheduled)


def test_field_selector_compares_booleans_as_lowercase_text():
    node = {"spec": {"unschedulable": True}}
    assert parse_field_selector("spec.unschedulable=true", {"spec.unschedulable"}).matches(node)


def test_field_selector_equals_returns_required_value():
    selector = parse_field_selector("spec.nodeName=node-1, status.phase!=Failed", POD_FIELDS)
    assert selector.equals("spec.nodeName") == "node-1"
    assert selector.equals("status.phase") is None
    assert selector.equals("metadata.name") is None


def test_empty_field_selector_matches_everything():
    selector = parse_field_selector("", POD_FIELDS)
    assert selector.empty
    assert selector.matches({})


def test_field_selector_values_may_escape_commas_and_equals():
    selector = parse_field_selector(r"metadata.name=a\,b\=c\\d", POD_FIELDS)
    assert selector.equals("metadata.name") == "a,b=c\\d"
    assert str(selector) == r"metadata.name=a\,b\=c\\d"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("spec.foo=bar", "field label not supported: spec.foo"),
        ("status.phase", 'invalid field selector term "status.phase": expected field=value'),
        ("=Running", 'invalid field selector term "=Running"'),
        (r"metadata.name=a\x", "invalid escape sequence"),
    ],
)
def test_field_selector_parse_errors(text, message):
    with pytest.raises(SelectorError, match=message):
        parse_field_selector(text, POD_FIELDS)


@given(st.text(max_size=10).map(str.strip))
def test_field_selector_string_round_trips_any_value(value):
    # Surrounding whitespace is trimmed when parsing, so only trimmed values can round-trip.
    selector = FieldSelector((FieldRequirement("metadata.name", EQUALS, value),))
    assert parse_field_selector(str(selector), POD_FIELDS) == selector
