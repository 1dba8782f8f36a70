import uvicorn

from order_intake.main import create_app
from order_intake.settings import Settings

settings = Settings()
uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.port, log_config=None)
