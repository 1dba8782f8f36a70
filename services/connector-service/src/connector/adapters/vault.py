"""Credentials sealed with the service's secret keys (Fernet, ``service_runtime.secrets``)."""

import json
from collections.abc import Mapping

from service_runtime.secrets import SecretBox


class SecretBoxVault:
    def __init__(self, box: SecretBox) -> None:
        self._box = box

    def seal(self, credentials: Mapping[str, str]) -> str:
        return self._box.encrypt(json.dumps(dict(credentials), sort_keys=True))

    def open(self, sealed: str) -> dict[str, str]:
        opened = json.loads(self._box.decrypt(sealed))
        return {str(k): str(v) for k, v in opened.items()}
