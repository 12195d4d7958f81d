FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY common ./common
COPY gateway ./gateway
COPY ingest ./ingest
COPY alerts ./alerts
COPY dashboard ./dashboard
COPY server ./server
ENV NODE_ENV=production
USER node
EXPOSE 8080 1883
CMD ["node", "--import", "tsx", "server/main.ts"]
