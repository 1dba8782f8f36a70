pytest_plugins = ["service_runtime.testing.plugin"]
