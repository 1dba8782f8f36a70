import uvicorn

from client.main import create_app
from client.settings import ClientSettings

settings = ClientSettings()
uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.port, log_config=None)
