# Two images from one file: the server (default target) and, with `--target gateway`, the
# home gateway. server/docker-image.test.ts checks that each stage copies every directory
# its entry points import.

FROM node:20-bookworm-slim AS gateway
# noble's HCI socket binding is a native addon built at install time: it needs the build
# tools and libudev. Raw HCI sockets need CAP_NET_RAW and CAP_NET_ADMIN, which compose adds
# and which only root holds inside the container, so this image runs as root.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ libudev-dev \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY common ./common
COPY gateway ./gateway
ENV NODE_ENV=production
RUN mkdir -p /data
EXPOSE 8090
CMD ["node", "--import", "tsx", "gateway/main.ts"]

FROM node:20-bookworm-slim AS server
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY common ./common
COPY records ./records
COPY ingest ./ingest
COPY alerts ./alerts
COPY dashboard ./dashboard
COPY server ./server
ENV NODE_ENV=production
# A named volume starts as a copy of the image's directory, owner included: the server
# (not root) must be able to write its records and Mosquitto's passwd and acl files.
RUN mkdir -p /data /mosquitto-auth && chown node:node /data /mosquitto-auth
USER node
EXPOSE 8080 1883
CMD ["node", "--import", "tsx", "server/main.ts"]
