"""Production entry point: ``gunicorn forms_service.wsgi:app`` (settings from the environment)."""

from . import create_app

app = create_app()
