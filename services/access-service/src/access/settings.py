from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from service_runtime.settings import ServiceSettings


class AccessSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACCESS_", extra="ignore", populate_by_name=True)

    service_name: str = "access-service"
    port: int = 8002
    public_url: str = Field(default="http://127.0.0.1:8080", description="Base of the links in emails (the gateway)")
    sign_in_url: str = Field(default="/", description="Where the accept page sends people to sign in (the console)")
    invitation_days: int = Field(default=7, ge=1)
    access_token_seconds: int = Field(default=900, ge=30, description="Lifetime of access JWTs")
    session_days: int = Field(default=30, ge=1, description="A login lasts this long, refreshed or not")
    key_rotation_days: int = Field(default=30, ge=1, description="The signing key is replaced at startup when older")
    dev_key_file: str = Field(
        default="var/keys/access-dev.key",
        description="Local key encrypting signing keys when STOREFRONTS_SECRET_KEYS is not set "
        "(only with STOREFRONTS_DEVELOPMENT=true)",
    )
    login_attempts_per_account_and_source: int = Field(
        default=5, ge=1, description="Sign-in attempts for one account from one address before the delays start"
    )
    login_attempts_per_account: int = Field(
        default=50, ge=1, description="Attempts for one account from all addresses together before the delays start"
    )
    login_attempts_per_source: int = Field(
        default=100, ge=1, description="Attempts from one address over all accounts before the delays start"
    )
    login_window_seconds: int = Field(default=900, ge=1, description="Attempts are counted over this window")
    login_base_delay_seconds: float = Field(
        default=30, gt=0, description="The first delay past a limit; it doubles with each further attempt"
    )
    login_max_delay_seconds: float = Field(default=900, gt=0, description="The longest delay")
    password_hash_workers: int = Field(
        default=2, ge=1, description="Password hashes computed at once (argon2 takes a core each)"
    )
    password_hash_queue: int = Field(
        default=8, ge=0, description="Hashes that may wait for a worker; beyond, sign-ins get 503 with Retry-After"
    )
    invitation_keys: list[SecretStr] = Field(
        default_factory=list,
        validation_alias="STOREFRONTS_INVITATION_KEYS",
        description="Fernet keys (JSON list, newest first) sealing invitation links for the notifier; "
        "only access and the notifier hold them. Required to serve",
    )
    bootstrap_operator_email: str = ""
    bootstrap_operator_password: SecretStr = SecretStr("")
