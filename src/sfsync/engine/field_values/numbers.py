"""Number kinds: whole numbers (`int`) and decimals (`double`, `currency`, `percent`).

Numbers compare by value only in number fields. A number must be finite and fit the field: `NaN`,
`Infinity`, `1.5` for a whole number, or more digits than the describe allows are row errors, never
silently cut. A decimal goes out as the workspace holds it: Salesforce keeps API values unrounded
whatever the field's decimal places (Knowledge Articles 000212661 and 000385689), and shows them
rounded to the field's scale, so two decimals are the same when they are equal at that scale.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

from sfsync.engine.field_values.base import FieldValues, InvalidValue, Options

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_WIDE = Context(prec=80)  # quantizing a large value at a large scale must not raise
_LARGEST_EXPONENT = 40  # Salesforce numbers have at most 18 digits; this also bounds the work on `1e999999`


def decimal(value: Any) -> Decimal:
    """A finite number from JSON, a Bulk cell or workspace text; raises InvalidValue."""
    if isinstance(value, bool):
        raise InvalidValue("a checkbox value, not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else value
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = Decimal(value.strip())
    elif isinstance(value, str) and _NOT_FINITE.fullmatch(value.strip()):
        raise InvalidValue("not a finite number")
    else:
        raise InvalidValue("not a number")
    if not number.is_finite():
        raise InvalidValue("not a finite number")
    if number and number.adjusted() >= _LARGEST_EXPONENT:
        raise InvalidValue("too large a number for any Salesforce field")
    return number


def whole_digits(number: Decimal) -> int:
    """Digits before the decimal point (0 for |number| < 1)."""
    return 0 if abs(number) < 1 else number.adjusted() + 1


class WholeNumber(FieldValues):
    """`int` fields: a whole number of at most `digits` digits."""

    def _convert(self, value: Any, options: Options) -> Any:
        number = decimal(value)
        if number != number.to_integral_value():
            raise InvalidValue("not a whole number")
        limit = self.info.digits if self.info else 0
        if limit and whole_digits(number) > limit:
            raise InvalidValue(f"more than {limit} digits")
        return int(number)

    def _key(self, value: Any) -> Any:
        return decimal(value)


class Number(FieldValues):
    """`double`, `currency`, `percent`: at most `precision - scale` digits before the point; compared at `scale`."""

    def _convert(self, value: Any, options: Options) -> Any:
        number = decimal(value)
        if self.info is not None and self.info.precision:
            limit = self.info.precision - self.info.scale
            if whole_digits(number) > limit:
                raise InvalidValue(f"more than {limit} digits before the decimal point")
        return int(number) if number == number.to_integral_value() and abs(number) < 2**53 else float(number)

    def _key(self, value: Any) -> Any:
        number = decimal(value)
        if self.info is None or not self.info.precision:  # no scale in the describe: compare exactly
            return number.normalize(_WIDE)
        with localcontext(_WIDE):
            return number.quantize(Decimal(1).scaleb(-self.info.scale), rounding=ROUND_HALF_UP)
