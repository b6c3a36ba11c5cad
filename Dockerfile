# Podium server / worker image. Same set-up as `make run`, baked at build time (network needed only here).
FROM python:3.11-slim-bookworm
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        espeak-ng sox nodejs npm make iproute2 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir torch==2.13.0 \
    && .venv/bin/pip install --no-cache-dir -e . --config-settings editable_mode=compat \
    && .venv/bin/podium models
ENV PODIUM_HOST=0.0.0.0 PODIUM_DATA_DIR=/data
EXPOSE 8080
CMD ["sh", "-c", ".venv/bin/podium db upgrade && exec .venv/bin/podium serve"]
