"""structlog set-up: one JSON line per log event, with the correlation and event ids
bound in context variables by the HTTP middleware and the consumer runtime."""

import logging
import sys
from typing import Any

import structlog
from pydantic_core import to_json
from structlog.typing import EventDict, Processor


def configure_logging(service_name: str, *, level: str = "INFO", json: bool = True) -> None:
    # JSON lines carry tracebacks as data; the console renderer prints them itself. Neither shows
    # the frames' local variables (structlog's default): they hold passwords, tokens and headers.
    tail = (
        [_exception_without_locals, structlog.processors.JSONRenderer(serializer=_json_line)]
        if json
        else [structlog.dev.ConsoleRenderer(exception_formatter=structlog.dev.plain_traceback)]
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _add_service(service_name),
            *tail,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)


_exception_without_locals = structlog.processors.ExceptionRenderer(
    structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
)


def _json_line(event_dict: Any, **_json_dumps_options: Any) -> str:
    """One log line as compact JSON, by pydantic-core's serializer (a consumer may log a line
    per event: json.dumps cost four times as much); a value it cannot serialise is written
    as its repr, as structlog's default does."""
    return to_json(event_dict, fallback=repr).decode()


def _add_service(service_name: str) -> Processor:
    def processor(_logger: object, _name: str, event_dict: EventDict) -> EventDict:
        event_dict.setdefault("service", service_name)
        return event_dict

    return processor
