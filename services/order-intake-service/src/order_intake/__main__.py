import uvicorn

from order_intake.main import create_app
from order_intake.settings import Settings

settings = Settings()
uvicorn.run(create_app(settings), host=settings.bind_host, port=settings.port, log_config=None)
