"""Invitation links are sealed for the notifier: without the key, access does not serve."""

import pytest

from access.main import create_app
from service_runtime.testing.helpers import running


async def test_access_refuses_to_start_without_the_invitation_key(access_settings):
    settings = access_settings.model_copy(update={"invitation_keys": []})
    with pytest.raises(RuntimeError, match="STOREFRONTS_INVITATION_KEYS"):
        async with running(create_app(settings)):
            pass
