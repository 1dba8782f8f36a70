"""Characters that must not reach names and descriptions (they end up in mails, events
and other people's screens): NUL and other control characters, the bidirectional
overrides and isolates that make text display in another order than it is stored, and
the line and paragraph separators. Plain Python: domain modules use it."""

import unicodedata

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r")


def refused_character(text: str, *, allow_line_breaks: bool = False) -> str | None:
    """A description of the first character ``text`` may not hold ("U+202E RIGHT-TO-LEFT
    OVERRIDE"), or None. Tabs and, when allowed, line breaks are the only controls let through."""
    for char in text:
        if char == "\t" or (allow_line_breaks and char in LINE_BREAKS):
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Zl", "Zp") or char in BIDI_CONTROLS or char == "\ufeff":
            name = unicodedata.name(char, "control character")
            return f"U+{ord(char):04X} {name}"
    return None
