"""Parse a bounded non-negative integer from an untrusted string (query parameter, header, SDP field)."""

from __future__ import annotations


class NotABoundedInt(ValueError):
    """The text is not base-10 ASCII digits, or the number is outside the allowed range."""


def parse_bounded_int(text: str, minimum: int, maximum: int) -> int:
    """``text`` as an int in ``[minimum, maximum]`` (0 ≤ minimum); ASCII digits only, never ``int()`` on huge input.

    ``'²'.isdigit()`` and ``'９'.isdigit()`` are true, and ``int()`` of thousands of digits raises, so both are
    checked before converting.
    """
    if not text or not text.isascii() or not text.isdigit():
        raise NotABoundedInt(f"not a non-negative integer: {text[:40]!r}")
    if len(text.lstrip("0")) > len(str(maximum)):
        raise NotABoundedInt(f"larger than {maximum}")
    value = int(text)
    if not minimum <= value <= maximum:
        raise NotABoundedInt(f"{value} is not between {minimum} and {maximum}")
    return value
