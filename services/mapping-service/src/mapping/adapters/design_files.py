"""Looks at a design file a user named by URL: through the SSRF guard (every request and
redirect checked), with a time limit on the whole download and a size limit; only the first
bytes are read, enough to tell the format and pixel size by content."""

import asyncio

import httpx

from mapping.domain.design_files import HEAD_BYTES, FileFacts, sniff
from mapping.ports import DesignFileProblem
from service_runtime.outbound import Resolver, UnsafeUrl, check_url, guarded_client, system_resolver


class HttpDesignFiles:
    def __init__(
        self, *, allow_private: bool, timeout: float, max_bytes: int, resolver: Resolver = system_resolver
    ) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.resolver = resolver
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        """One guarded client for every look (its TLS context and connections are reused)."""
        if self._http is None:
            self._http = guarded_client(
                allow_private=self.allow_private, timeout=self.timeout, resolver=self.resolver, follow_redirects=True
            )
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def inspect(self, url: str) -> FileFacts | None:
        try:
            await check_url(url, allow_private=self.allow_private, resolver=self.resolver)
            return await asyncio.wait_for(self._fetch(url), timeout=self.timeout)
        except UnsafeUrl as error:
            values = {k: v for k, v in error.extensions.items() if k != "code"}
            code = str(error.extensions.get("code") or "url_refused")
            raise DesignFileProblem("design_file_url_refused", reason_code=code, **values) from error
        except (TimeoutError, httpx.TimeoutException) as error:
            raise DesignFileProblem(
                "design_file_unreachable", reason_code="fetch_timeout", seconds=f"{self.timeout:g}"
            ) from error
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise DesignFileProblem("design_file_unreachable", reason_code=fetch_failure_code(error)) from error

    async def _fetch(self, url: str) -> FileFacts | None:
        async with self._client().stream("GET", url, headers={"Accept": "*/*"}) as response:
            if response.status_code >= 400:
                raise DesignFileProblem("design_file_missing", status=response.status_code)
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_bytes:
                raise DesignFileProblem("design_file_too_large", maximum_mb=self.max_bytes // (1024 * 1024))
            head = bytearray()
            async for chunk in response.aiter_bytes():
                head += chunk
                if len(head) >= HEAD_BYTES:
                    break
            return sniff(bytes(head[:HEAD_BYTES]))


def fetch_failure_code(error: httpx.HTTPError | httpx.InvalidURL) -> str:
    """Why a download failed, as a message key (said in the reader's language, never httpx's English)."""
    if isinstance(error, httpx.TooManyRedirects):
        return "fetch_too_many_redirects"
    if isinstance(error, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return "fetch_invalid_url"
    if isinstance(error, httpx.ConnectError):
        return "fetch_connect_failed"
    if isinstance(error, httpx.ProtocolError):
        return "fetch_protocol_error"
    if isinstance(error, httpx.NetworkError):
        return "fetch_connection_lost"
    return "fetch_failed"
