"""A shop address the SSRF guard refuses at the time of a call, after the store was connected
(its domain lapsed and no longer resolves, or it now points to a private address): said as the
shop's platform being unavailable, on the store's health and reconciliation, never a crash."""

from connector.domain.errors import PlatformUnavailable
from service_runtime.outbound import UnsafeUrl


def unavailable(refused: UnsafeUrl) -> PlatformUnavailable:
    reason = "name not found" if refused.extensions.get("code") == "url_unresolvable" else "address refused"
    return PlatformUnavailable("platform_unavailable", reason=reason)
