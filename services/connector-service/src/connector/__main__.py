from connector.main import create_app
from connector.settings import Settings
from service_runtime.http import serve

settings = Settings()
serve(create_app(settings), host=settings.bind_host, port=settings.port)
