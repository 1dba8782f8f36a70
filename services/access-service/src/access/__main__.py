import uvicorn

from access.main import create_app
from access.settings import AccessSettings

settings = AccessSettings()
uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.port, log_config=None)
