from notifier.main import create_app
from notifier.settings import NotifierSettings
from service_runtime.http import serve

settings = NotifierSettings()
serve(create_app(settings), host=settings.bind_host, port=settings.port)
