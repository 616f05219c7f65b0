"""Settings for `make run` on a developer's or evaluator's machine.

DEBUG defaults to on here (it is off by default everywhere else); DATABASE_URL and REDIS_URL
are provided by `make run`, which starts embedded servers when they are not set.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from .base import *  # noqa: F403
