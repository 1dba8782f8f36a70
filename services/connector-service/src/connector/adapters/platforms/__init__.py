"""The platform adapters, one module per platform, found by name.

A module of this package registers its adapter's factory with ``@platform("<name>")``; every
module here is imported by ``load_platforms``, so adding a platform adds a file and nothing
else. A factory gets the service's settings and returns a ``ports.ShopPlatform`` (and, for an
OAuth platform, also a ``ports.OAuthPlatform``)."""

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any, cast

from connector.domain.errors import PlatformNotSupported
from connector.ports import OAuthPlatform, ShopPlatform
from connector.settings import ConnectorSettings

Factory = Callable[[ConnectorSettings], ShopPlatform]
_FACTORIES: dict[str, Factory] = {}


def platform(name: str) -> Callable[[Factory], Factory]:
    """Registers the factory of ``name``'s adapter."""

    def register(factory: Factory) -> Factory:
        _FACTORIES[name] = factory
        return factory

    return register


class PlatformAdapters:
    """``ports.Platforms``: the adapters built once from settings."""

    def __init__(self, adapters: dict[str, ShopPlatform]) -> None:
        self._adapters = adapters

    def adapter(self, platform: str) -> ShopPlatform:
        try:
            return self._adapters[platform]
        except KeyError:
            raise PlatformNotSupported("platform_not_supported", field="platform", platform=platform) from None

    def oauth(self, platform: str) -> OAuthPlatform:
        adapter: Any = self.adapter(platform)
        if not all(hasattr(adapter, name) for name in ("authorize_url", "callback_signed", "exchange_code")):
            raise PlatformNotSupported("platform_not_supported", field="platform", platform=platform)
        return cast(OAuthPlatform, adapter)

    @property
    def names(self) -> list[str]:
        return sorted(self._adapters)


def load_platforms(settings: ConnectorSettings, *, only: set[str] | None = None) -> PlatformAdapters:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return PlatformAdapters(
        {name: factory(settings) for name, factory in _FACTORIES.items() if only is None or name in only}
    )
