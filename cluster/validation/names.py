"""String syntax checks (DNS names, qualified names, label values, IANA port names, IPs).

Each checker returns a list of human-readable problems (empty when fine) so callers can wrap
them into causes at whatever field path applies, just like apimachinery's IsXxx helpers.
"""

from __future__ import annotations

import ipaddress
import re

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*"
DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?"
ENV_VAR_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
PERCENT_FMT = "[0-9]+%"

_DNS1123_LABEL = re.compile(DNS1123_LABEL_FMT)
_DNS1123_SUBDOMAIN = re.compile(DNS1123_SUBDOMAIN_FMT)
_DNS1035_LABEL = re.compile(DNS1035_LABEL_FMT)
_QUALIFIED_NAME = re.compile(QUALIFIED_NAME_FMT)
_ENV_VAR = re.compile(ENV_VAR_FMT)
_PERCENT = re.compile(PERCENT_FMT)
_IANA_CHARS = re.compile("[-a-z0-9]+")
_HAS_LETTER = re.compile("[a-z]")

LABEL_MAX = 63
SUBDOMAIN_MAX = 253


def _regex_msg(what: str, examples: tuple[str, ...], fmt: str) -> str:
    shown = ",  or ".join(f"'{e}'" for e in examples)
    return f"{what} (e.g. {shown}, regex used for validation is '{fmt}')"


def _max_len(limit: int) -> str:
    return f"must be no more than {limit} characters"


def dns1123_label(value: str) -> list[str]:
    errs = []
    if len(value) > LABEL_MAX:
        errs.append(_max_len(LABEL_MAX))
    if not _DNS1123_LABEL.fullmatch(value):
        errs.append(_regex_msg(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
            "'-', and must start and end with an alphanumeric character",
            ("my-name", "123-abc"), DNS1123_LABEL_FMT))
    return errs


def dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if len(value) > SUBDOMAIN_MAX:
        errs.append(_max_len(SUBDOMAIN_MAX))
    if not _DNS1123_SUBDOMAIN.fullmatch(value):
        errs.append(_regex_msg(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            "'-' or '.', and must start and end with an alphanumeric character",
            ("example.com",), DNS1123_SUBDOMAIN_FMT))
    return errs


def dns1035_label(value: str) -> list[str]:
    errs = []
    if len(value) > LABEL_MAX:
        errs.append(_max_len(LABEL_MAX))
    if not _DNS1035_LABEL.fullmatch(value):
        errs.append(_regex_msg(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
            "with an alphabetic character, and end with an alphanumeric character",
            ("my-name", "abc-123"), DNS1035_LABEL_FMT))
    return errs


def qualified_name(value: str) -> list[str]:
    """`[prefix/]name` as used by label keys, annotation keys, finalizers, resource names."""
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
        errs: list[str] = []
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs = ["prefix part must be non-empty"]
        else:
            errs = ["prefix part " + e for e in dns1123_subdomain(prefix)]
    else:
        return [_regex_msg(
            "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must "
            "start and end with an alphanumeric character",
            ("MyName", "my.name", "123-abc"), QUALIFIED_NAME_FMT)
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        return errs + ["name part must be non-empty"]
    if len(name) > LABEL_MAX:
        errs.append("name part " + _max_len(LABEL_MAX))
    if not _QUALIFIED_NAME.fullmatch(name):
        errs.append("name part " + _regex_msg(
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
            "with an alphanumeric character",
            ("MyName", "my.name", "123-abc"), QUALIFIED_NAME_FMT))
    return errs


def label_value(value: str) -> list[str]:
    errs = []
    if len(value) > LABEL_MAX:
        errs.append(_max_len(LABEL_MAX))
    if value and not _QUALIFIED_NAME.fullmatch(value):
        errs.append(_regex_msg(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', "
            "'_' or '.', and must start and end with an alphanumeric character",
            ("MyValue", "my_value", "12345"), LABEL_VALUE_FMT))
    return errs


def iana_svc_name(value: str) -> list[str]:
    """Named ports (container port names, targetPort strings)."""
    errs = []
    if len(value) > 15:
        errs.append("must be no more than 15 characters")
    if not _IANA_CHARS.fullmatch(value):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if "--" in value:
        errs.append("must not contain consecutive hyphens")
    if not _HAS_LETTER.search(value):
        errs.append("must contain at least one letter (a-z)")
    if value.startswith("-") or value.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def env_var_name(value: str) -> list[str]:
    if _ENV_VAR.fullmatch(value):
        return []
    return [_regex_msg(
        "a valid environment variable name must consist of alphabetic characters, digits, '_', "
        "'-', or '.', and must not start with a digit",
        ("my.env-name", "MY_ENV.NAME", "MyEnvName1"), ENV_VAR_FMT)]


def percent(value: str) -> list[str]:
    if _PERCENT.fullmatch(value):
        return []
    return [_regex_msg(
        "a valid percent string must be a numeric string followed by an ending '%'",
        ("1%", "93%"), PERCENT_FMT)]


def ip_address(value: str) -> list[str]:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]
    return []


def port_number(value: int) -> list[str]:
    if 1 <= value <= 65535:
        return []
    return ["must be between 1 and 65535, inclusive"]
