"""The service starts on the real PostgreSQL and Kafka, migrates, and reports ready."""

from order_intake.main import create_app
from order_intake.settings import OrderIntakeSettings
from service_runtime.testing.helpers import running


async def test_starts_migrated_and_ready(service_settings):
    settings = service_settings(OrderIntakeSettings)
    async with running(create_app(settings)) as http:
        ready = await http.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": True, "kafka": True, "consumers": True, "relay": True}
        assert "storefronts_http_requests_total" in (await http.get("/metrics")).text
        assert (await http.get("/openapi.json")).json()["info"]["title"] == "Order intake service"
