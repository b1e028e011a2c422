def as_id(value) -> int | None:
    """An id as an int or ASCII digits; anything else (a float, "١" which int() would read as
    1, a number past the column's range) reads as no id at all."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if type(value) is not int:
        return None
    return value if 0 < value < 2**63 else None
