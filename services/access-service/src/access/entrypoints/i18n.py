"""Problem details in the reader's language (see service_runtime.translated_problems)."""

from fastapi import FastAPI

from access.domain.messages import CATALOG
from service_runtime.translated_problems import install_translated_problems, request_locale

__all__ = ["install", "request_locale"]


def install(app: FastAPI) -> None:
    install_translated_problems(app, CATALOG)
