"""The SSRF guard (``service_runtime.outbound``) on a shop address given by a user, in words
the user understands: a private address, or a name that does not resolve."""

from connector.domain.platform_errors import InvalidShopUrl, ShopUnreachable
from service_runtime.outbound import UnsafeUrl, check_url


class OutboundAddressGuard:
    def __init__(self, *, allow_private: bool) -> None:
        self._allow_private = allow_private

    async def check(self, url: str) -> None:
        try:
            await check_url(url, allow_private=self._allow_private)
        except UnsafeUrl as refused:
            if "cannot be resolved" in refused.detail:
                raise ShopUnreachable(
                    "woo_unreachable", field="shop_url", url=url, reason="name not found"
                ) from refused
            raise InvalidShopUrl("woo_url_private", field="shop_url", url=url) from refused
