"""Settings every service shares. Each service subclasses with its own env prefix."""

import ipaddress

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Read from the environment (``<PREFIX>_DATABASE_URL`` ...) and, for what every
    service shares, from ``STOREFRONTS_*`` variables (see each field's alias)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "service"
    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means SQLite in ./var/data/<service>.db"
    )
    kafka_bootstrap: str = Field(
        default="127.0.0.1:9092", validation_alias="STOREFRONTS_KAFKA_BOOTSTRAP"
    )
    topic_prefix: str = Field(
        default="",
        validation_alias="STOREFRONTS_TOPIC_PREFIX",
        description="Prepended to every topic and consumer group (isolates test runs)",
    )
    consumers_enabled: bool = True
    relay_enabled: bool = True
    relay_poll_seconds: float = 0.5
    consumer_max_attempts: int = Field(default=3, ge=1)
    consumer_backoff_seconds: float = 0.2
    log_level: str = Field(default="INFO", validation_alias="STOREFRONTS_LOG_LEVEL")
    log_json: bool = Field(default=True, validation_alias="STOREFRONTS_LOG_JSON")
    jwks_url: str = Field(default="", validation_alias="STOREFRONTS_JWKS_URL")
    jwks_json: str = Field(
        default="", validation_alias="STOREFRONTS_JWKS_JSON", description="A static JWKS document (tests, offline use)"
    )
    jwt_issuer: str = Field(default="storefronts-access", validation_alias="STOREFRONTS_JWT_ISSUER")
    jwt_audience: str = Field(default="storefronts", validation_alias="STOREFRONTS_JWT_AUDIENCE")
    secret_keys: list[SecretStr] = Field(
        default_factory=list,
        validation_alias="STOREFRONTS_SECRET_KEYS",
        description="Fernet keys, newest first: the first encrypts, all decrypt",
    )
    outbound_allow_private: bool = Field(
        default=False,
        validation_alias="STOREFRONTS_OUTBOUND_ALLOW_PRIVATE",
        description="Let user-given URLs reach private, loopback and link-local hosts (dev and tests only)",
    )
    redis_url: str = Field(default="", validation_alias="STOREFRONTS_REDIS_URL")
    development: bool = Field(
        default=False,
        validation_alias="STOREFRONTS_DEVELOPMENT",
        description="Local development only: lets a service start without STOREFRONTS_SECRET_KEYS",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        validation_alias="STOREFRONTS_TRUSTED_PROXIES",
        description="JSON list of the addresses or networks of the proxies (the gateway) whose X-Forwarded-For "
                    "is believed; empty: the direct peer is the caller",
    )
    jwks_ttl_seconds: float = Field(
        default=300, gt=0, validation_alias="STOREFRONTS_JWKS_TTL_SECONDS",
        description="The JWKS from jwks_url is fetched again after this long: keys removed there stop working",
    )
    jwks_refetch_seconds: float = Field(
        default=30, ge=0, validation_alias="STOREFRONTS_JWKS_REFETCH_SECONDS",
        description="At most one fetch per this many seconds for tokens naming an unknown key id",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)  # a ValueError names the bad entry
        return value

    def trusted_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(item, strict=False) for item in self.trusted_proxies]

    def require_secret_keys(self) -> None:
        """A service refuses to start without its encryption keys, unless told it is a development machine."""
        if not self.secret_keys and not self.development:
            raise MissingSecretKeys(
                "STOREFRONTS_SECRET_KEYS is not set: a JSON list of Fernet keys is required "
                "(set STOREFRONTS_DEVELOPMENT=true on a development machine to start without it)."
            )

    def sqlite_default(self) -> str:
        return f"sqlite+aiosqlite:///./var/data/{self.service_name}.db"

    def effective_database_url(self) -> str:
        return self.database_url or self.sqlite_default()

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def group(self, group_id: str) -> str:
        return f"{self.topic_prefix}{group_id}"


class MissingSecretKeys(RuntimeError):
    """The service would keep secrets unencrypted or under a throwaway key."""
