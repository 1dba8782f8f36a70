from datetime import UTC, datetime, timedelta

from notifier.domain import RenderedEmail, RetryPolicy, delivery_failed, new_email

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_backoff_doubles_from_the_base_and_is_capped():
    policy = RetryPolicy(base_seconds=2, max_seconds=300)

    delays = [policy.delay(attempts).total_seconds() for attempts in range(1, 11)]

    assert delays == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert policy.delay(10_000) == timedelta(seconds=300)


def test_a_failed_email_stays_pending_whatever_the_attempts():
    policy = RetryPolicy(base_seconds=2, max_seconds=300)
    rendered = RenderedEmail("invitation", "en", "Subject", "text", "<p>html</p>")
    email = new_email("e1", rendered=rendered, client_id="c1", to="a@b.example", caused_by_event_id="ev1", now=NOW)

    for _ in range(50):
        email = delivery_failed(email, error="refused", now=NOW, policy=policy)

    assert email.status == "pending"
    assert email.attempts == 50
    assert email.last_error == "refused"
    assert email.next_attempt_at == NOW + timedelta(seconds=300)
    assert email.text_body == "text"
