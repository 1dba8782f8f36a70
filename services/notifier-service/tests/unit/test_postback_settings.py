"""Production refuses plain-HTTP postback URLs before anything is stored or resolved."""

from pathlib import Path

import pytest

from notifier import postback_handlers
from notifier.bootstrap import build
from notifier.commands import CreateEndpoint
from notifier.postbacks import InvalidEndpoint
from notifier.settings import NotifierSettings
from service_runtime.auth import Principal
from service_runtime.secrets import SecretBox
from service_runtime.testing.helpers import INVITATION_KEY, load_module

fakes = load_module("notifier_test_fakes", Path(__file__).parents[1] / "fakes.py")


def settings(**overrides) -> NotifierSettings:
    values = dict(
        secret_keys=[SecretBox.generate_key()],
        invitation_keys=[INVITATION_KEY],
        kafka_replication_factor=3,
        kafka_min_insync_replicas=2,
    )
    return NotifierSettings(**(values | overrides))


async def test_production_requires_https_postback_urls(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default SQLite file lands here
    production = build(settings(environment="production"))
    assert production.https_required
    assert not build(settings(environment="development")).https_required
    guarded: list[str] = []

    async def guard(url: str) -> None:
        guarded.append(url)

    uow = fakes.FakeUnitOfWork()
    with pytest.raises(InvalidEndpoint, match="HTTPS"):
        await postback_handlers.create_endpoint(
            CreateEndpoint("client-1", "http://hooks.example.com/storefronts", ("order.shipped",)),
            viewer=Principal(subject="op", role="operator"),
            uow=uow,
            clock=fakes.FakeClock(),
            url_guard=guard,
            https_required=production.https_required,
        )
    assert guarded == [] and uow.commits == 0
