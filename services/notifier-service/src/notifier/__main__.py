import uvicorn

from notifier.main import create_app
from notifier.settings import NotifierSettings

settings = NotifierSettings()
uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.port, log_config=None)
