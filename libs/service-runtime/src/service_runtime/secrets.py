"""Secrets at rest (platform credentials, postback secrets): Fernet (AES-128-CBC +
HMAC-SHA256) with key rotation. The first key encrypts; every key decrypts; ``rotate``
re-encrypts a stored value with the first key."""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretDecryptionError(Exception):
    pass


class SecretBox:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one secret key is required (STOREFRONTS_SECRET_KEYS)")
        self._fernet = MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as error:
            raise SecretDecryptionError("stored secret cannot be decrypted with the configured keys") from error

    def rotate(self, token: str) -> str:
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as error:
            raise SecretDecryptionError("stored secret cannot be decrypted with the configured keys") from error
