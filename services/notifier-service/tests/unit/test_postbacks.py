"""Postback rules: secrets, signatures (Standard Webhooks), endpoint settings, the retry
schedule, what one attempt does to a delivery and its endpoint, sequences and payloads."""

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from notifier import postbacks
from notifier.postbacks import InvalidEndpoint, OrderUpdate, Response, RetrySchedule

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SECRET = postbacks.new_secret(bytes(range(32)))


def endpoint(**changes):
    made = postbacks.new_endpoint(
        "ep-1",
        client_id="client-1",
        url="https://hooks.example.com/storefronts",
        event_types=["order.accepted", "order.shipped"],
        description="ERP",
        secret=SECRET,
        https_required=True,
        now=NOW,
    )
    return replace(made, **changes) if changes else made


def delivery(ep=None, **changes):
    made = postbacks.new_delivery(
        "msg_1",
        endpoint=ep or endpoint(),
        postback_type="order.accepted",
        order_id="order-1",
        sequence=1,
        body="{}",
        caused_by_event_id="event-1",
        event_time=NOW,
        now=NOW,
    )
    return replace(made, **changes) if changes else made


def test_signature_matches_the_standard_webhooks_test_vector():
    signature = postbacks.sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        webhook_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp=1614265330,
        body='{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_secret_is_whsec_and_base64_of_the_random_bytes_and_needs_24_of_them():
    secret = postbacks.new_secret(b"\x01" * 32)
    assert secret.startswith("whsec_")
    assert base64.b64decode(secret.removeprefix("whsec_")) == b"\x01" * 32
    with pytest.raises(ValueError):
        postbacks.new_secret(b"\x01" * 23)


def test_headers_carry_id_timestamp_and_one_signature_outside_a_rotation():
    headers = postbacks.webhook_headers(endpoint(), webhook_id="msg_1", body='{"a":1}', now=NOW)
    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-timestamp"] == str(int(NOW.timestamp()))
    assert headers["webhook-signature"] == postbacks.sign(
        SECRET, webhook_id="msg_1", timestamp=int(NOW.timestamp()), body='{"a":1}'
    )


def test_during_the_overlap_both_secrets_sign_then_only_the_new_one():
    new = postbacks.new_secret(b"\x02" * 32)
    rotated = postbacks.rotate_secret(endpoint(), secret=new, overlap=timedelta(hours=1), now=NOW)
    during = postbacks.webhook_headers(rotated, webhook_id="msg_1", body="{}", now=NOW + timedelta(minutes=59))
    stamp = int((NOW + timedelta(minutes=59)).timestamp())
    assert during["webhook-signature"].split(" ") == [
        postbacks.sign(new, webhook_id="msg_1", timestamp=stamp, body="{}"),
        postbacks.sign(SECRET, webhook_id="msg_1", timestamp=stamp, body="{}"),
    ]
    after = postbacks.webhook_headers(rotated, webhook_id="msg_1", body="{}", now=NOW + timedelta(hours=1))
    assert len(after["webhook-signature"].split(" ")) == 1


def test_a_rotation_without_overlap_drops_the_old_secret_at_once():
    rotated = postbacks.rotate_secret(
        endpoint(), secret=postbacks.new_secret(b"\x02" * 32), overlap=timedelta(0), now=NOW
    )
    assert rotated.signing_secrets(NOW) == (rotated.secret,)


@pytest.mark.parametrize(
    ("url", "https_required"),
    [
        ("http://hooks.example.com/", True),
        ("ftp://hooks.example.com/", False),
        ("https://user:pw@hooks.example.com/", False),
        ("https:///nohost", False),
        ("", False),
    ],
)
def test_urls_refused_by_shape(url, https_required):
    with pytest.raises(InvalidEndpoint) as refused:
        postbacks.check_url(url, https_required=https_required)
    assert refused.value.extensions["field"] == "url"


def test_plain_http_is_accepted_outside_production():
    assert postbacks.check_url(" http://hooks.example.com/x ", https_required=False) == "http://hooks.example.com/x"


def test_unknown_or_no_event_types_are_refused():
    with pytest.raises(InvalidEndpoint):
        postbacks.check_event_types(["order.teleported"])
    with pytest.raises(InvalidEndpoint):
        postbacks.check_event_types([])
    assert postbacks.check_event_types(["order.shipped", "order.accepted", "order.shipped"]) == (
        "order.accepted",
        "order.shipped",
    )


def test_a_client_pauses_and_enables_but_never_disables_itself_and_enabling_clears_the_failures():
    ep = replace(endpoint(), status=postbacks.DISABLED, consecutive_failures=8, disabled_reason="x")
    enabled = postbacks.change_endpoint(
        ep, url=None, event_types=None, description=None, status="enabled", https_required=True, now=NOW
    )
    assert (enabled.status, enabled.consecutive_failures, enabled.disabled_reason) == ("enabled", 0, None)
    paused = postbacks.change_endpoint(
        enabled, url=None, event_types=None, description=None, status="paused", https_required=True, now=NOW
    )
    assert paused.status == "paused"
    with pytest.raises(InvalidEndpoint):
        postbacks.change_endpoint(
            enabled, url=None, event_types=None, description=None, status="disabled", https_required=True, now=NOW
        )


def test_the_default_schedule_spans_about_a_day_in_eight_attempts():
    schedule = RetrySchedule()
    assert schedule.attempts == 8
    total = sum((schedule.wait_after(n) for n in range(1, 8)), timedelta())
    assert timedelta(hours=20) < total < timedelta(hours=30)
    assert schedule.wait_after(8) is None


def test_a_2xx_delivers_and_resets_the_endpoints_failures():
    ep = endpoint(consecutive_failures=3)
    outcome = postbacks.attempted(
        delivery(ep), ep, Response(204, 12), schedule=RetrySchedule((1, 2)), now=NOW + timedelta(seconds=1)
    )
    assert outcome.delivery.status == "delivered"
    assert outcome.delivery.attempts == 1
    assert outcome.endpoint.consecutive_failures == 0
    assert outcome.attempt.ok and outcome.attempt.status_code == 204 and outcome.attempt.duration_ms == 12


def test_a_failure_is_retried_after_the_schedules_wait_and_the_answer_is_kept_truncated():
    ep = endpoint()
    outcome = postbacks.attempted(
        delivery(ep), ep, Response(500, 30, body="x" * 5000), schedule=RetrySchedule((7, 60)), now=NOW
    )
    assert outcome.delivery.status == "pending"
    assert outcome.delivery.next_attempt_at == NOW + timedelta(seconds=7)
    assert outcome.delivery.last_error == "HTTP 500"
    assert len(outcome.attempt.response_body) == postbacks.RESPONSE_BODY_MAX
    assert not outcome.given_up and not outcome.endpoint_disabled


def test_after_the_last_attempt_the_delivery_fails_and_sustained_failure_disables_the_endpoint():
    schedule = RetrySchedule((1, 1), disable_after_failures=3)
    ep, d = endpoint(), delivery()
    for _ in range(3):
        outcome = postbacks.attempted(d, ep, Response(None, 5, error="ConnectError"), schedule=schedule, now=NOW)
        d, ep = outcome.delivery, outcome.endpoint
    assert d.status == "failed" and d.attempts == 3
    assert outcome.given_up and outcome.endpoint_disabled
    assert ep.status == "disabled" and "3 failed attempts" in ep.disabled_reason


def test_a_given_up_delivery_does_not_disable_an_endpoint_that_succeeds_in_between():
    schedule = RetrySchedule((1,), disable_after_failures=2)
    ep = endpoint(consecutive_failures=0)
    outcome = postbacks.attempted(delivery(ep), ep, Response(500, 1), schedule=schedule, now=NOW)
    outcome = postbacks.attempted(
        outcome.delivery, endpoint(consecutive_failures=0), Response(500, 1), schedule=schedule, now=NOW
    )
    assert outcome.given_up and not outcome.endpoint_disabled


def test_410_gone_fails_at_once_and_disables_the_endpoint():
    ep = endpoint()
    outcome = postbacks.attempted(delivery(ep), ep, Response(410, 1), schedule=RetrySchedule(), now=NOW)
    assert outcome.delivery.status == "failed" and outcome.endpoint.status == "disabled"


def test_a_replay_keeps_the_webhook_id_and_starts_a_fresh_schedule():
    failed = delivery(status="failed", attempts=8, round_attempts=8, finished_at=NOW)
    again = postbacks.replayed(failed, now=NOW + timedelta(days=2))
    assert (again.id, again.status, again.round_attempts, again.attempts) == ("msg_1", "pending", 0, 8)
    assert again.next_attempt_at == NOW + timedelta(days=2)


def update(**changes) -> OrderUpdate:
    values = dict(
        event_id="e1",
        postback_type="order.accepted",
        order_id="order-1",
        client_id="client-1",
        store_id="store-1",
        platform="shopify",
        platform_order_id="1001",
        order_number="#1001",
        status="accepted",
        previous_status=None,
        occurred_at=NOW,
    )
    return OrderUpdate(**(values | changes))


def test_sequences_count_each_orders_events_and_keep_the_lines_known_from_acceptance():
    line = {"line_id": "l1", "title": "Mug", "quantity": 2}
    first = postbacks.advance(None, update(lines=(line,)))
    second = postbacks.advance(first, update(postback_type="order.shipped", status="shipped"))
    assert (first.sequence, second.sequence) == (1, 2)
    assert second.lines == (line,)


def test_the_payload_names_type_time_order_status_sequence_and_packages():
    track = postbacks.OrderTrack("order-1", "client-1", 3, ({"line_id": "l1"},))
    package = {"carrier": "UPS", "tracking_number": "1Z", "tracking_url": None, "line_ids": []}
    body = json.loads(
        postbacks.encode_body(
            postbacks.payload(
                update(
                    postback_type="order.shipped", status="shipped", previous_status="packaged", packages=(package,)
                ),
                track,
            )
        )
    )
    assert body["type"] == "order.shipped"
    assert body["timestamp"] == "2026-03-01T09:00:00Z"
    assert body["data"]["sequence"] == 3
    assert body["data"]["status"] == "shipped" and body["data"]["previous_status"] == "packaged"
    assert body["data"]["order"]["client_id"] == "client-1"
    assert body["data"]["order"]["platform_order_id"] == "1001"
    assert body["data"]["order"]["lines"] == [{"line_id": "l1"}]
    assert body["data"]["packages"] == [package]


@pytest.mark.parametrize(
    "url", ["https://hooks.example.com/a b", "https://hooks.example.com/\x00", "https://h.example/\u202e"]
)
def test_urls_with_spaces_or_control_characters_are_refused(url):
    with pytest.raises(InvalidEndpoint):
        postbacks.check_url(url, https_required=False)


def test_a_description_with_a_bidi_override_is_refused_naming_the_field():
    with pytest.raises(InvalidEndpoint) as refused:
        postbacks.check_description("ERP \u202e")
    assert refused.value.extensions["field"] == "description"
