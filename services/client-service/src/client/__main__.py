import uvicorn

from client.main import create_app
from client.settings import ClientSettings

settings = ClientSettings()
uvicorn.run(create_app(settings), host=settings.bind_host, port=settings.port, log_config=None)
