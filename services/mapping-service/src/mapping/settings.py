from pydantic_settings import SettingsConfigDict

from service_runtime.settings import ServiceSettings


class MappingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MAPPING_", extra="ignore", populate_by_name=True)

    service_name: str = "mapping-service"
    port: int = 8004
