# One image for every process type: SERVICE=all (default), gateway, identity, learning,
# reputation, passport, governance or marketplace selects the part at run time.

# --- builder: the full python image already carries compilers and libpq headers, so
# wheels that need building can be built here without an apt-get layer.
FROM python:3.11-bookworm AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

COPY requirements.txt /tmp/requirements.txt
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt

# --- runtime: slim base, only the venv and the application code.
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings \
    SERVICE=all

# Fixed numeric ids so volumes and Kubernetes securityContext (runAsUser) can rely on them.
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid 10001 \
        --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
# Code stays owned by root (read-only for the app user); only var/ is writable.
COPY . /app

# The key exists only for this RUN line: settings must load for collectstatic, and they
# refuse keys under 32 characters when DEBUG is off. Static files land in
# STATIC_ROOT=/app/staticfiles (served by whitenoise). Settings may create var/db (the
# embedded SQLite folder) while loading: it is emptied, and var/ left writable by anyone
# (sticky, like /tmp). Deployments mount a fresh volume there (Kubernetes emptyDir,
# compose tmpfs) and Podman's tmpfs takes the image directory's mode, so the mode set
# here is what lets uid 10001 write to a read-only image's var/.
RUN SECRET_KEY=build-only-collectstatic-key-never-used-at-runtime DEBUG=false \
        METRICS_TOKEN=build-only-collectstatic-token-never-used \
        python manage.py collectstatic --noinput \
    && rm -rf /app/var \
    && mkdir -m 1777 /app/var

USER 10001:10001

EXPOSE 8000

# slim has no curl: the standard library does the probe; any error exits non-zero.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

# config/gunicorn.py: bind 0.0.0.0:8000, 2 workers, and readiness-first shutdown (SIGTERM:
# /ready answers 503 for SHUTDOWN_DRAIN_SECONDS, then in-flight requests get 25 s).
CMD ["gunicorn", "config.wsgi:application", "--config", "python:config.gunicorn"]
