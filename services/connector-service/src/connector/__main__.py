import uvicorn

from connector.main import create_app
from connector.settings import Settings

settings = Settings()
uvicorn.run(create_app(settings), host=settings.bind_host, port=settings.port, log_config=None)
