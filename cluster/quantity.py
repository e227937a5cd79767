"""Resource quantities ("500m", "128Mi", "2") as exact decimals, and back to text.

Parsing is `validation.containers.parse_qty` (never raises). Formatting follows the
canonical form Kubernetes prints: the largest suffix that keeps the number whole
("1500m", "2", "1Gi", "1536Mi"), binary suffixes for quantities written with them.
Sums keep the format of their first operand, as Kubernetes' Quantity.Add does, so
`used` for memory written in Mi reads in Mi.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from cluster.validation.containers import parse_qty

_DECIMAL = ((18, "E"), (15, "P"), (12, "T"), (9, "G"), (6, "M"), (3, "k"), (0, ""),
            (-3, "m"), (-6, "u"), (-9, "n"))
_BINARY = ((60, "Ei"), (50, "Pi"), (40, "Ti"), (30, "Gi"), (20, "Mi"), (10, "Ki"))
_NANO = Decimal("1e-9")


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    binary: bool = False  # written with Ki/Mi/Gi...: printed the same way

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.value + other.value, self.binary if self.value else other.binary)

    def __sub__(self, other: Quantity) -> Quantity:
        return Quantity(self.value - other.value, self.binary)

    def __str__(self) -> str:
        return format_quantity(self.value, self.binary)


ZERO = Quantity(Decimal(0))


def parse(value: Any) -> Quantity | None:
    """A quantity from API text or a number; None when it is not one."""
    number = parse_qty(value)
    if number is None:
        return None
    binary = isinstance(value, str) and value.rstrip("0123456789+-").endswith("i")
    return Quantity(number, binary)


def count(n: int) -> Quantity:
    return Quantity(Decimal(n))


def format_quantity(value: Decimal, binary: bool = False) -> str:
    """Canonical text for a quantity (rounded up to the nano, as Kubernetes does)."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value % _NANO:
        value = value.quantize(_NANO, rounding=ROUND_CEILING)
    if binary and value == value.to_integral_value():
        whole = int(value)
        for power, suffix in _BINARY:
            if whole % (1 << power) == 0:
                return f"{sign}{whole >> power}{suffix}"
        return f"{sign}{whole}"
    for exponent, suffix in _DECIMAL:
        scaled = value.scaleb(-exponent)
        if scaled == scaled.to_integral_value():
            return f"{sign}{int(scaled)}{suffix}"
    return f"{sign}{int(value.scaleb(9))}n"  # unreachable after the rounding above
