from pydantic import Field
from pydantic_settings import SettingsConfigDict

from service_runtime.settings import ServiceSettings


class OrderIntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORDER_INTAKE_", extra="ignore", populate_by_name=True)

    service_name: str = "order-intake-service"
    port: int = 8005
    consumer_log_each_event: bool = Field(
        default=False,
        description="Order intake applies thousands of orders a second: one events.applied line per batch"
        " (its event and correlation ids) instead of one line per order (about 0.02 CPU ms each)",
    )
    delayed_release_seconds: float = Field(
        default=15.0, gt=0, description="How often held orders whose client's delay window passed are looked for"
    )
