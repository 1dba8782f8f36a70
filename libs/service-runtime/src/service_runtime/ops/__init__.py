"""Tools for the people who operate the platform: watch topics, see consumer lag, read
dead letters (``python -m service_runtime.ops --help``), and the small web app behind the
gateway's ``/readyz`` and ``/docs/`` (``gateway.py``)."""
