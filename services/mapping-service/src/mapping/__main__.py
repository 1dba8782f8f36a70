from mapping.main import create_app
from mapping.settings import Settings
from service_runtime.http import serve

settings = Settings()
serve(create_app(settings), host=settings.bind_host, port=settings.port)
