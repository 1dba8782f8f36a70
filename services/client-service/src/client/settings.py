from pydantic_settings import SettingsConfigDict

from service_runtime.settings import ServiceSettings


class ClientSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CLIENT_", extra="ignore", populate_by_name=True)

    service_name: str = "client-service"
    port: int = 8001
