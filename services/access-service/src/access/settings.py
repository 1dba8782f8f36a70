from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from service_runtime.settings import ServiceSettings


class AccessSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACCESS_", extra="ignore", populate_by_name=True)

    service_name: str = "access-service"
    port: int = 8002
    public_url: str = Field(default="http://127.0.0.1:8080", description="Base of the links in emails (the gateway)")
    invitation_days: int = Field(default=7, ge=1)
    access_token_seconds: int = Field(default=900, ge=30, description="Lifetime of access JWTs")
    session_days: int = Field(default=30, ge=1, description="A login lasts this long, refreshed or not")
    key_rotation_days: int = Field(default=30, ge=1, description="The signing key is replaced at startup when older")
    dev_key_file: str = Field(default="var/keys/access-dev.key",
                              description="Local key encrypting signing keys when STOREFRONTS_SECRET_KEYS is not set "
                                          "(only with STOREFRONTS_DEVELOPMENT=true)")
    login_failures_per_account: int = 5
    login_failures_per_source: int = 20
    login_window_seconds: int = 900
    bootstrap_operator_email: str = ""
    bootstrap_operator_password: SecretStr = SecretStr("")
