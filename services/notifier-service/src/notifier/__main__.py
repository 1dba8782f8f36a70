import uvicorn

from notifier.main import create_app
from notifier.settings import NotifierSettings

settings = NotifierSettings()
uvicorn.run(create_app(settings), host=settings.bind_host, port=settings.port, log_config=None)
