"""Settings for production (docker compose). DEBUG is off unless DJANGO_DEBUG says otherwise,
which makes DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS required."""

from .base import *  # noqa: F403
