from pydantic_settings import SettingsConfigDict

from service_runtime.settings import ServiceSettings


class ConnectorSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONNECTOR_", extra="ignore", populate_by_name=True)

    service_name: str = "connector-service"
    port: int = 8003
