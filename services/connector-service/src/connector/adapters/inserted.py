"""Rows written many at once with INSERT ... ON CONFLICT DO NOTHING RETURNING their keys:
which of the rows asked for were new."""

from collections.abc import Sequence


def firsts_stored(keys: Sequence[tuple[str, str]], stored: set[tuple[str, str]]) -> list[bool]:
    """For each key asked for, True at its first occurrence when the database stored it (the
    keys it returned, ``stored``, are used up); False for a key there before, or repeated."""
    answers = []
    for key in keys:
        answers.append(key in stored)
        stored.discard(key)
    return answers
