# Image of the portal for docker-compose.yml (web, worker and beat share it).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 EXPECT_VAR_DIR=/var/lib/expect
# WeasyPrint needs Pango; gettext compiles the catalogue.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core gettext curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir .
COPY . .
RUN useradd --system --home /app expect && mkdir -p /var/lib/expect \
    && chown expect /var/lib/expect \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput --verbosity 0
USER expect
EXPOSE 8000
CMD ["gunicorn", "expect.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
