# The application's image: web (gunicorn), Celery worker and beat run from it with different
# commands (compose.yaml). Static files are collected (hashed, compressed) at build time.
#   docker build -t budgetkataloger .

# --- DKFDS from npm (the design system; served by the application, no CDN) ------------
FROM node:22-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error --omit=dev

# --- the application -------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# WeasyPrint's Pango and fonts (memo PDFs). The translations (.mo) are in the repository.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core fonts-liberation \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --home-dir /home/budget budget
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /src/node_modules/dkfds ./node_modules/dkfds
# collectstatic reads the settings, which want a key outside DEBUG: a throw-away one, build only.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0
USER budget
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
