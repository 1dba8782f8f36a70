"""The service starts on the real PostgreSQL and Kafka, migrates, and reports ready."""

from order_intake.main import create_app
from order_intake.settings import Settings
from service_runtime.testing.helpers import running


async def test_starts_migrated_and_ready(stack, postgres_url, topic_prefix):
    settings = Settings(database_url=postgres_url, kafka_bootstrap=stack.kafka_bootstrap, topic_prefix=topic_prefix, log_json=False)
    async with running(create_app(settings)) as http:
        ready = await http.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": True, "kafka": True}
        assert "storefronts_http_requests_total" in (await http.get("/metrics")).text
        assert (await http.get("/openapi.json")).json()["info"]["title"] == "Order intake service"
