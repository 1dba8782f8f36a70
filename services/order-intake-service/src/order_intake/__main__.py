from order_intake.main import create_app
from order_intake.settings import OrderIntakeSettings
from service_runtime.http import serve

settings = OrderIntakeSettings()
serve(create_app(settings), host=settings.bind_host, port=settings.port)
