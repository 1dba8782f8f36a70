from connector.main import create_app
from connector.settings import ConnectorSettings
from service_runtime.http import serve

settings = ConnectorSettings()
serve(create_app(settings), host=settings.bind_host, port=settings.port)
