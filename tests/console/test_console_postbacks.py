"""The postback screens in Chromium through the gateway: an operator opens a client's
Postbacks tab, is told a refused URL next to the URL field, adds an endpoint pointing at a
small HTTP receiver of the test, sees its signing secret once (copied, then gone), sends a
test event the receiver verifies with that secret, follows it in the delivery log with its
200, replays it (same webhook-id), pauses and enables the endpoint, and rotates the secret
(both signatures during the overlap). Every screen passes axe-core and is saved under
var/screenshots/."""

import base64
import hashlib
import hmac
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.async_api import expect

from service_runtime.testing.helpers import eventually

from .conftest import OPERATOR_PASSWORD
from .test_console_journey import _sign_in


@dataclass
class Receiver:
    """A client's system: answers 200 and keeps what it received; under /broken, answers 500."""

    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver():
    got: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            broken = self.path.startswith("/broken")
            if not broken:
                got.append(({k.lower(): v for k, v in self.headers.items()}, body))
            answer = b'{"error": "database down"}' if broken else b'{"received": true}'
            self.send_response(500 if broken else 200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks/orders", received=got)
    finally:
        server.shutdown()
        server.server_close()


def _signatures(secret: str, headers: dict[str, str], body: bytes) -> int:
    """How many of the request's v1 signatures this secret verifies (the README's recipe)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    found = [s.partition(",") for s in headers["webhook-signature"].split(" ")]
    return sum(1 for version, _, value in found if version == "v1" and hmac.compare_digest(value, expected))


async def _received(receiver: Receiver, count: int):
    async def arrived():
        return list(receiver.received) if len(receiver.received) >= count else None

    return await eventually(arrived, timeout=30)


async def test_an_operator_sets_up_a_postback_endpoint_and_follows_its_deliveries(browser, platform, screens, receiver):
    run = uuid.uuid4().hex[:8]
    shots = screens("postbacks")
    context = await browser.new_context(locale="en-GB")
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=platform.url)
    operator = await context.new_page()
    await _sign_in(operator, platform.url + "/console/", platform.operator_email, OPERATOR_PASSWORD)
    await operator.get_by_role("link", name="Add client").first.click()
    await operator.get_by_label("Name").fill(f"Hooked Prints {run}")
    await operator.get_by_role("button", name="Create").click()
    await expect(operator.get_by_role("heading", name="Storefront access")).to_be_visible(timeout=60_000)

    # the client's Postbacks tab: nothing yet
    await operator.get_by_role("link", name="Postbacks").click()
    await expect(operator.get_by_text("No endpoint yet.")).to_be_visible()
    await shots.check(operator, "endpoints-empty")

    # a URL the notifier refuses: its reason next to the URL field, nothing added
    await operator.get_by_label("URL", exact=True).fill("http://user:secret@127.0.0.1:9/hooks")
    await operator.get_by_role("button", name="Add endpoint").click()
    url_error = operator.locator("[data-field-error=url]")
    await expect(url_error).to_have_text(re.compile("credentials"))  # the notifier's reason
    await expect(operator.get_by_label("URL", exact=True)).to_have_attribute("aria-invalid", "true")
    await expect(operator.get_by_text("No endpoint yet.")).to_be_visible()
    await shots.check(operator, "add-endpoint-url-refused")

    # no event type at all: refused next to the event types
    await operator.get_by_label("URL", exact=True).fill(receiver.url)
    for box in await operator.get_by_role("checkbox").all():
        await box.uncheck()
    await operator.get_by_role("button", name="Add endpoint").click()
    await expect(operator.locator("[data-field-error=event_types]")).to_be_visible()

    # the endpoint added: its secret shown once, copied, with the warning
    for name in ("Order accepted", "Shipped (with tracking)", "Order held"):
        await operator.get_by_role("checkbox", name=re.compile(f"^{re.escape(name)}")).check()
    await operator.get_by_label(re.compile("^Description")).fill("ERP order updates")
    await operator.get_by_role("button", name="Add endpoint").click()
    await expect(
        operator.get_by_role("heading", name="The endpoint is added: here is its signing secret")
    ).to_be_visible()
    await expect(operator.get_by_text("you will not see it again")).to_be_visible()
    secret = await operator.get_by_role("textbox", name="Signing secret").input_value()
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/=]{44}", secret), secret
    await operator.get_by_role("button", name="Copy secret").click()
    await expect(operator.get_by_text("Copied to the clipboard.")).to_be_visible()
    assert await operator.evaluate("navigator.clipboard.readText()") == secret
    row = operator.get_by_role("row", name=receiver.url)
    await expect(row.get_by_text("Enabled")).to_be_visible()
    await expect(row).to_contain_text("Order accepted, Order held, Shipped (with tracking)")  # the form's order
    await shots.check(operator, "endpoint-added-secret-once")
    await operator.get_by_role("button", name="I have stored the secret").click()
    await expect(operator.get_by_role("textbox", name="Signing secret")).to_have_count(0)
    await operator.reload()
    await expect(row).to_be_visible()
    assert secret not in await operator.content()  # never shown again
    assert "whsec_" not in await operator.content()

    # a test event: the receiver verifies it with the secret it was shown
    await row.get_by_role("button", name="Send test event").click()
    await expect(operator.get_by_text("A test event is on its way")).to_be_visible()
    [(headers, body)] = await _received(receiver, 1)
    assert _signatures(secret, headers, body) == 1
    assert json.loads(body)["type"] == "postback.test"
    test_id = headers["webhook-id"]

    # the delivery log: delivered, its attempt with the 200, the time taken and the answer
    await row.get_by_role("link", name="Delivery log").click()
    await expect(operator.get_by_role("heading", name=f"Delivery log of {receiver.url}")).to_be_visible()
    delivery = operator.get_by_role("row", name=test_id)
    await expect(delivery.get_by_text("Delivered")).to_be_visible(timeout=30_000)
    await delivery.get_by_role("button", name="Attempts (1)").click()
    attempts = operator.get_by_role("table", name=f"Attempts of {test_id}")
    await expect(attempts.get_by_role("cell", name="200", exact=True)).to_be_visible()
    await expect(attempts.get_by_text('{"received": true}')).to_be_visible()
    await expect(attempts.get_by_text(re.compile(r"^\d+ ms$"))).to_be_visible()
    await shots.check(operator, "delivery-log")

    # replay one delivery, after confirming: the same webhook-id again
    await delivery.get_by_role("button", name="Replay").click()
    await expect(operator.get_by_role("dialog")).to_contain_text("keeps its webhook-id")
    await operator.get_by_role("dialog").get_by_role("button", name="Replay").click()
    await expect(operator.get_by_text("The delivery is queued again.")).to_be_visible()
    received = await _received(receiver, 2)
    assert received[1][0]["webhook-id"] == test_id
    await expect(operator.get_by_role("button", name="Attempts (2)")).to_be_visible(timeout=30_000)

    # replay every failed delivery of a range, after confirming: none failed here
    await operator.get_by_role("button", name="Replay all failed").click()
    await expect(operator.get_by_role("dialog")).to_contain_text("Send again every failed delivery created between")
    await shots.check(operator, "confirm-replay-failed")
    await operator.get_by_role("dialog").get_by_role("button", name="Replay all failed").click()
    await expect(operator.get_by_text("Failed deliveries queued again: 0.")).to_be_visible()
    # a range that ends before it starts is refused beside its end
    await operator.get_by_label("To (not included)").fill("2020-01-01T00:00")
    await operator.get_by_role("button", name="Replay all failed").click()
    await operator.get_by_role("dialog").get_by_role("button", name="Replay all failed").click()
    await expect(operator.locator("[data-field-error=until]")).to_have_text("The end must come after the start.")

    # pause and enable again
    await operator.get_by_role("link", name="Back to the endpoints").click()
    await row.get_by_role("button", name="Pause").click()
    await expect(row.get_by_text("Paused", exact=True)).to_be_visible()
    await expect(operator.get_by_text("new updates wait until you enable it again")).to_be_visible()
    await shots.check(operator, "endpoint-paused")
    await row.get_by_role("button", name="Enable").click()
    await expect(row.get_by_text("Enabled", exact=True)).to_be_visible()

    # rotate the secret, after confirming: the new one shown once, the overlap explained
    await row.get_by_role("button", name="Rotate secret").click()
    await expect(operator.get_by_role("dialog")).to_contain_text(
        "The current secret keeps signing too during an overlap"
    )
    await shots.check(operator, "confirm-rotate")
    await operator.get_by_role("dialog").get_by_role("button", name="Rotate secret").click()
    await expect(operator.get_by_role("heading", name="The new signing secret")).to_be_visible()
    await expect(
        operator.get_by_text("each update is signed with both the new and the previous secret")
    ).to_be_visible()
    rotated = await operator.get_by_role("textbox", name="Signing secret").input_value()
    assert rotated.startswith("whsec_") and rotated != secret
    await expect(row.get_by_text("Previous secret also signs until")).to_be_visible()
    await shots.check(operator, "secret-rotated")
    await operator.get_by_role("button", name="I have stored the secret").click()
    await row.get_by_role("button", name="Send test event").click()
    headers, body = (await _received(receiver, 3))[2]
    assert _signatures(rotated, headers, body) == 1 and _signatures(secret, headers, body) == 1

    # an endpoint whose system answers 500: the log shows each attempt's code and answer, the
    # delivery failed once its (test) schedule is spent, and "replay all failed" sends it again
    broken_url = receiver.url.replace("/hooks/orders", "/broken")
    await operator.get_by_label("URL", exact=True).fill(broken_url)
    await operator.get_by_role("button", name="Add endpoint").click()
    await operator.get_by_role("button", name="I have stored the secret").click()
    broken = operator.get_by_role("row", name=broken_url)
    await broken.get_by_role("button", name="Send test event").click()
    await broken.get_by_role("link", name="Delivery log").click()
    log = operator.get_by_role("table", name="Delivery log")
    await expect(log.get_by_text("Failed", exact=True)).to_be_visible(timeout=30_000)
    await operator.get_by_role("button", name="Attempts (2)").click()
    await expect(operator.get_by_role("cell", name="500", exact=True)).to_have_count(2)
    await expect(operator.get_by_text('{"error": "database down"}').first).to_be_visible()
    await shots.check(operator, "delivery-log-failed")
    await operator.get_by_role("button", name="Replay all failed").click()
    await operator.get_by_role("dialog").get_by_role("button", name="Replay all failed").click()
    await expect(operator.get_by_text("Failed deliveries queued again: 1.")).to_be_visible()
    # sent again with a fresh schedule: two more attempts, followed by the log while pending
    await expect(log.get_by_role("button", name="Attempts (4)")).to_be_visible(timeout=30_000)
