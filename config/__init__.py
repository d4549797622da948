"""Composition root of the platform: settings, URLs, the DB router and the Celery app."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
