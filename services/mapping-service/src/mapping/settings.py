from pydantic_settings import SettingsConfigDict

from service_runtime.settings import ServiceSettings


class MappingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MAPPING_", extra="ignore", populate_by_name=True)

    service_name: str = "mapping-service"
    port: int = 8004
    design_file_timeout_seconds: float = 15.0  # a design file's whole download, per file
    design_file_max_bytes: int = 200 * 1024 * 1024  # a larger design file is refused (Content-Length or as it streams)
    design_file_concurrency: int = 16  # design files checked at once (connect, CSV import)
    import_max_bytes: int = 50 * 1024 * 1024  # largest CSV upload (catalog or mappings)
