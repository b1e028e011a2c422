class UnicodeSlugConverter:
    """A slug that may hold any letters (深圳湾科技, montréal-foods) but no NUL or punctuation."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class HandleConverter:
    """A random public handle (a profile's address): lowercase letters and digits."""

    regex = r"[a-z0-9]{1,32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
