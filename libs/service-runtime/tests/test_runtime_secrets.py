import pytest

from service_runtime.secrets import SecretBox, SecretDecryptionError


def test_encrypts_so_that_the_plaintext_is_not_stored():
    box = SecretBox([SecretBox.generate_key()])
    token = box.encrypt("shpat_secret_access_token")
    assert "shpat_secret" not in token
    assert box.decrypt(token) == "shpat_secret_access_token"


def test_rotation_keeps_old_secrets_readable_and_rewrites_them_with_the_new_key():
    old_key, new_key = SecretBox.generate_key(), SecretBox.generate_key()
    stored = SecretBox([old_key]).encrypt("woo consumer secret")
    rotating = SecretBox([new_key, old_key])
    assert rotating.decrypt(stored) == "woo consumer secret"
    rotated = rotating.rotate(stored)
    assert SecretBox([new_key]).decrypt(rotated) == "woo consumer secret"
    with pytest.raises(SecretDecryptionError):
        SecretBox([old_key]).decrypt(rotated)


def test_a_box_needs_a_key():
    with pytest.raises(ValueError):
        SecretBox([])
