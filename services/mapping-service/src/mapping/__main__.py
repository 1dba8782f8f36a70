from mapping.main import create_app
from mapping.settings import MappingSettings
from service_runtime.http import serve

settings = MappingSettings()
serve(create_app(settings), host=settings.bind_host, port=settings.port)
