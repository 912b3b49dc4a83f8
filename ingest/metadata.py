"""What makes an event's metadata unstorable on either backend: nesting deeper than 32
levels, NUL characters (PostgreSQL's json refuses \\u0000), numbers beyond 64 bits.

Most metadata is small and clean: a screen of its serialised bytes clears it without
walking it; only what the screen cannot clear is walked."""

MAX_DEPTH = 32
_LOWEST, _BEYOND_HIGHEST = -(2**63), 2**63
TOO_DEEP = f"metadata is nested too deeply (at most {MAX_DEPTH} levels)"
HAS_NUL = "metadata must not contain NUL characters"
NUMBER_TOO_LARGE = "metadata numbers must fit in 64 bits"
# orjson's output reduced to its shape in one C call (faster than a regex over the same
# bytes): digits become "0", e and E "e", opening brackets "[", every other byte " ".
_SHAPE = bytes(
    ord("0") if chr(byte) in "0123456789" else ord("e") if chr(byte) in "eE"
    else ord("[") if chr(byte) in "{[" else ord(" ")
    for byte in range(256)
)
# A number of magnitude 2**63 or more is written with 19 digits or more before its point,
# or with an exponent: only those may not fit in 64 bits.
_LONG_INTEGER, _EXPONENT = b"0" * 19, b"0e"


class OutOfRange:
    """Stands for a number the body holds but no 64-bit type can (1e999, a 401-digit
    integer) when the body is read by the fallback parser; serialising it fails on purpose."""

    def __repr__(self) -> str:
        return "OutOfRange"


OUT_OF_RANGE = OutOfRange()


def surely_storable(serialised: bytes) -> bool:
    """True when orjson's serialisation alone shows the metadata has none of the problems;
    False means "walk it", not "refuse it"."""
    if b"\\u0000" in serialised:
        return False
    shape = serialised.translate(_SHAPE)
    return shape.count(b"[") <= MAX_DEPTH and _LONG_INTEGER not in shape and _EXPONENT not in shape


def _number_fits(value) -> bool:
    """Integers from -2**63 to 2**63 - 1. A float must lie strictly inside: orjson reads an
    integer literal just beyond the range, such as -9223372036854775809, as the float -2**63."""
    if type(value) is float:
        return _LOWEST < value < _BEYOND_HIGHEST
    return _LOWEST <= value < _BEYOND_HIGHEST


def metadata_problems(metadata: dict) -> list[str]:
    """Each kind of problem once, in a fixed order; empty when the metadata can be stored.
    Iterative, so any depth the body parser produced is walked without recursion."""
    found = set()
    pending = [(metadata, 1)]
    while pending:
        value, depth = pending.pop()
        kind = type(value)
        if kind is dict or kind is list:
            if depth > MAX_DEPTH:
                found.add(TOO_DEEP)
                continue
            if kind is dict:
                if any("\0" in key for key in value):
                    found.add(HAS_NUL)
                value = value.values()
            pending.extend((item, depth + 1) for item in value)
        elif kind is str:
            if "\0" in value:
                found.add(HAS_NUL)
        elif value is OUT_OF_RANGE or ((kind is int or kind is float) and not _number_fits(value)):
            found.add(NUMBER_TOO_LARGE)
    return [problem for problem in (TOO_DEEP, HAS_NUL, NUMBER_TOO_LARGE) if problem in found]
