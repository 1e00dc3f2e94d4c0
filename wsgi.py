"""WSGI entry point: ``gunicorn wsgi:app``. Configuration comes from the environment."""

from webapp import create_app

app = create_app()
