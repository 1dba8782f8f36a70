"""Invitation links arrive sealed: without the key, the notifier does not serve."""

import pytest

from notifier.main import create_app
from service_runtime.testing.helpers import running


async def test_the_notifier_refuses_to_start_without_the_invitation_key(notifier_settings):
    settings = notifier_settings.model_copy(update={"invitation_keys": []})
    with pytest.raises(RuntimeError, match="STOREFRONTS_INVITATION_KEYS"):
        async with running(create_app(settings)):
            pass
