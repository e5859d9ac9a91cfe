# The application's image: web (gunicorn), Celery worker and beat run from it with different
# commands (compose.yaml). Static files are collected (hashed, compressed) at build time.
#   docker build -t budgetkataloger .
# Without a registry (README, "Production"): any Debian 12 (bookworm) image serves as the base,
# e.g. one made with debootstrap and imported (.ci/container-smoke does so):
#   podman build --build-arg BASE_IMAGE=localhost/bookworm --build-arg NODE_IMAGE=localhost/bookworm .
ARG BASE_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:22-bookworm-slim

# --- DKFDS from npm (the design system; served by the application, no CDN) ------------
FROM ${NODE_IMAGE} AS assets
# A plain Debian base has no npm: Debian's own then.
RUN command -v npm >/dev/null || { apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*; }
WORKDIR /src
COPY package.json package-lock.json ./
# Production dependencies only (the tests' OpenID Connect provider and axe-core are dev ones).
RUN npm ci --no-audit --no-fund --loglevel=error --omit=dev

# --- the application -------------------------------------------------------------------
FROM ${BASE_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
# WeasyPrint's Pango and fonts (memo PDFs); Debian's Python 3.11 when the base has none. The
# translations (.mo) are in the repository.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core fonts-liberation ca-certificates \
      $(command -v python3 >/dev/null || echo python3 python3-venv) \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --home-dir /home/budget budget \
 && python3 -m venv /opt/venv
WORKDIR /app
# Production requirements only (requirements-dev.txt adds the test tools).
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /src/node_modules/dkfds ./node_modules/dkfds
# collectstatic reads the settings, which want a key outside DEBUG: a throw-away one, build only.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0
USER budget
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
