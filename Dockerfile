# Podium server / worker image: the same set-up steps as `make run` (Makefile targets), baked at build time
# (network is needed only here). Node.js 20.19+ builds the web app (Debian bookworm's own nodejs is 18).
FROM node:20.19-bookworm-slim AS node

FROM python:3.11-slim-bookworm
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
    && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# system-deps installs espeak-ng and sox (the browser test's chromium is left out of the image).
RUN make SYSTEM_PACKAGES="espeak-ng sox" system-deps .venv/.podium-installed web models \
    && rm -rf /root/.cache /root/.npm
ENV PODIUM_HOST=0.0.0.0 PODIUM_DATA_DIR=/data
EXPOSE 8080
CMD ["sh", "-c", ".venv/bin/podium db upgrade && exec .venv/bin/podium serve"]
