"""Pressero rules: a store's integration ID is its client's reference ID; webhooks are signed
with SHA-1 of the store's security key and the payload (``MessageHash``); the product
attributes named in the store's configuration become line attributes. Rules only: no I/O
(platforms.md §4)."""

import base64
import hashlib
import hmac
from collections.abc import Iterable, Sequence

from connector.domain.platform_errors import ClientUnknown, InvalidShopUrl

ATTRIBUTES_MAX = 50
ATTRIBUTE_NAME_MAX = 100


def integration_id_of(*, client_name: str, reference_id: str | None) -> str:
    """The client's reference ID; a client without one cannot have a Pressero store."""
    if not reference_id or not reference_id.strip():
        raise ClientUnknown("pressero_reference_missing", field="client_id", name=client_name)
    return reference_id.strip()


def clean_security_key(key: str, *, minimum: int) -> str:
    key = key.strip()
    if len(key) < minimum:
        raise InvalidShopUrl("pressero_security_key_short", field="security_key", minimum=minimum)
    return key


def clean_attribute_names(names: Iterable[str]) -> tuple[str, ...]:
    """Trimmed, without blanks or repeats (compared without regard to case), in the given order."""
    seen: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())[:ATTRIBUTE_NAME_MAX]
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return tuple(seen.values())[:ATTRIBUTES_MAX]


def expected_hashes(security_key: str, body: bytes) -> tuple[str, str]:
    """SHA-1 of key + payload, hex and base64 (Pressero does not say which it sends)."""
    digest = hashlib.sha1(security_key.encode() + body).digest()
    return digest.hex(), base64.b64encode(digest).decode()


def signed(security_key: str, body: bytes, message_hash: str | None) -> bool:
    """Constant-time comparison; hex is compared without regard to case."""
    if not security_key or not message_hash:
        return False
    hex_form, base64_form = expected_hashes(security_key, body)
    given = message_hash.strip()
    return hmac.compare_digest(hex_form.encode(), given.lower().encode()) or hmac.compare_digest(
        base64_form.encode(), given.encode()
    )


def line_attributes(attributes: Sequence[tuple[str, str]], wanted: Sequence[str]) -> list[tuple[str, str]]:
    """The item's attributes the store's configuration names (by name, without regard to case)."""
    names = {name.casefold() for name in wanted}
    return [(name, value) for name, value in attributes if name.casefold() in names]


def item_denied(approval_status: str | None) -> bool:
    """Items whose approval was denied are not produced (Aleyant's own connectors skip them)."""
    return (approval_status or "").strip().casefold() in {"request denied", "denied"}
