"""Named crash points for fault tests.

A test starts a service process with ``STOREFRONTS_CRASH_AT=<point>``; when the code
reaches that point the process dies at once (as a power cut would), with no cleanup."""

import os

CRASH_EXIT_CODE = 86


def crash_point(name: str) -> None:
    if os.environ.get("STOREFRONTS_CRASH_AT") == name:
        os._exit(CRASH_EXIT_CODE)
