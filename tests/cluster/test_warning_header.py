"""Warning headers carry field names from the client: always printable ASCII and small,
whatever the names were (the fuzzer found that a non-ASCII one made gunicorn drop the
response)."""
from __future__ import annotations

import re

from cluster.api.views import WARNINGS_MAX_BYTES, warning_header


def test_plain_field_names_read_as_kubernetes_writes_them():
    assert warning_header(['unknown field "spec.x"']) == '299 - "unknown field \\"spec.x\\""'


def test_non_ascii_control_and_huge_names_become_a_small_printable_header():
    header = warning_header(['unknown field "spec.ü"', "a\x00b\r\nc", "x" * 5000,
                             'unknown field "spec.ü"'])
    assert re.fullmatch(r"[ -~]*", header)
    assert header.count("299 - ") == 3  # the repeated warning is sent once
    assert "\\\\xfc" in header and "x" * 300 not in header


def test_many_warnings_stop_at_four_kibibytes():
    header = warning_header([f"unknown field \"f{i}{'y' * 200}\"" for i in range(100)])
    assert 0 < len(header) <= WARNINGS_MAX_BYTES
