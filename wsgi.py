"""WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""
from spravato_ops import create_app

app = create_app()
