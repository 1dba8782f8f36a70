"""Every service's error logs carry the traceback, never the frames' local variables."""

import pytest
import structlog

from service_runtime.logging import configure_logging

PASSWORD = "correct horse " + "battery staple"  # never written whole in a line a traceback quotes
HEADER = "Bearer eyJhbGciOi" + ".secret.token"


@pytest.fixture(autouse=True)
def _restore_logging():
    """The capture this test logs into is closed after it: later tests must not log there."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


def sign_in(password: str, authorization: str) -> None:
    raise RuntimeError("forced failure")


@pytest.mark.parametrize("json", [True, False], ids=["json", "console"])
def test_an_exception_log_shows_where_it_failed_but_no_local_variable(json, capsys):
    configure_logging("test-service", json=json)
    try:
        sign_in(PASSWORD, HEADER)
    except RuntimeError:
        structlog.get_logger().exception("login.failed")
    log = capsys.readouterr().err
    assert "forced failure" in log and "sign_in" in log
    assert PASSWORD not in log and HEADER not in log
