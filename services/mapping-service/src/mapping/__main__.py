import uvicorn

from mapping.main import create_app
from mapping.settings import Settings

settings = Settings()
uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.port, log_config=None)
