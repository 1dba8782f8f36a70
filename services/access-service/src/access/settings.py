from pydantic_settings import SettingsConfigDict

from service_runtime.settings import ServiceSettings


class AccessSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACCESS_", extra="ignore", populate_by_name=True)

    service_name: str = "access-service"
    port: int = 8002
