from client.main import create_app
from client.settings import ClientSettings
from service_runtime.http import serve

settings = ClientSettings()
serve(create_app(settings), host=settings.bind_host, port=settings.port)
