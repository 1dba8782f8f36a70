"""Design files looked at concurrently, each URL once however many variants or rows name it."""

import asyncio
from collections.abc import Iterable

from mapping.domain.design_files import FileFacts
from mapping.ports import DesignFileProblem, DesignFiles

Looked = FileFacts | DesignFileProblem | None  # None: reachable, but not a format we know


async def look_at_all(urls: Iterable[str], design_files: DesignFiles, *, concurrency: int) -> dict[str, Looked]:
    unique = list(dict.fromkeys(urls))
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(url: str) -> Looked:
        async with gate:
            try:
                return await design_files.inspect(url)
            except DesignFileProblem as problem:
                return problem

    results = await asyncio.gather(*(one(url) for url in unique))
    return dict(zip(unique, results, strict=True))
