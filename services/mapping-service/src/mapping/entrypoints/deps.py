"""What the routes get from the runtime, and helpers they share."""

import base64
import json
from typing import Annotated, Any, Protocol, cast

from fastapi import Depends, Request

from mapping.domain.errors import InvalidCursor
from mapping.ports import Clock, DesignFiles, UnitOfWork
from mapping.settings import MappingSettings


class Services(Protocol):
    """What routes use of the mapping runtime (bootstrap.MappingRuntime)."""

    @property
    def settings(self) -> MappingSettings: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def design_files(self) -> DesignFiles: ...


def get_runtime(request: Request) -> Services:
    return cast(Services, request.app.state.runtime)


def get_uow(request: Request) -> UnitOfWork:
    return cast(UnitOfWork, request.app.state.runtime.uow())


RuntimeDep = Annotated[Services, Depends(get_runtime)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]


def encode_cursor(*parts: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode()


def decode_cursor(cursor: str | None, size: int) -> list[str] | None:
    if not cursor:
        return None
    try:
        parts: Any = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as error:
        raise InvalidCursor("cursor_invalid") from error
    if not isinstance(parts, list) or len(parts) != size or not all(isinstance(p, str) for p in parts):
        raise InvalidCursor("cursor_invalid")
    return [str(p) for p in parts]
