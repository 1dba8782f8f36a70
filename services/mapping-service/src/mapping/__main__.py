import uvicorn

from mapping.main import create_app
from mapping.settings import Settings

settings = Settings()
uvicorn.run(create_app(settings), host=settings.bind_host, port=settings.port, log_config=None)
