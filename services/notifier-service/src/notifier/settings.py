from typing import Annotated

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from service_runtime.settings import ServiceSettings


class NotifierSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFIER_", extra="ignore", populate_by_name=True)

    service_name: str = "notifier-service"
    port: int = 8006
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 2525
    smtp_from: str = "Storefronts <no-reply@storefronts.example>"
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10
    invitation_keys: list[SecretStr] = Field(
        default_factory=list,
        validation_alias="STOREFRONTS_INVITATION_KEYS",
        description="Fernet keys (JSON list, newest first) opening the invitation links access seals; "
        "only access and the notifier hold them. Required to serve",
    )
    delivery_enabled: bool = True
    sweep_seconds: float = Field(default=5, gt=0, description="How often pending emails are looked at unwoken")
    retry_base_seconds: float = Field(default=2, gt=0, description="Wait after a first failed attempt; then doubles")
    retry_max_seconds: float = Field(default=300, gt=0, description="Longest wait between two attempts")
    permanent_failure_attempts: int = Field(
        default=3, ge=1, description="Attempts refused for good (SMTP 5xx) before an email is given up as failed"
    )
    postbacks_enabled: bool = Field(default=True, description="Run the postback delivery worker")
    postback_timeout_seconds: float = Field(
        default=10, gt=0, description="A postback attempt succeeds on a 2xx within this time (connect to last byte)"
    )
    postback_retry_waits_seconds: list[Annotated[float, Field(ge=0)]] = Field(
        default=[5, 300, 1800, 7200, 18000, 36000, 36000],
        min_length=0,
        description="Waits after each failed attempt (JSON list): the default makes 8 attempts over about 27.6 hours",
    )
    postback_disable_after_failures: int = Field(
        default=8,
        ge=1,
        description="Failed attempts in a row (no success between) after which an endpoint is disabled, "
        "when a delivery is given up",
    )
    postback_sweep_seconds: float = Field(default=1, gt=0, description="How often due postbacks are looked for")
    postback_endpoint_concurrency: int = Field(
        default=4, ge=1, le=50, description="Attempts in flight at once for one endpoint"
    )
    postback_max_endpoints_in_flight: int = Field(
        default=100, ge=1, description="Endpoints being sent to at once (each on its own lane)"
    )
    postback_secret_overlap_seconds: float = Field(
        default=86400, ge=0, description="Default time both the old and the new secret sign after a rotation"
    )
