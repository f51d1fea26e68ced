# Image for docker-compose.yml. The CLI runs TypeScript through tsx (no build step).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY schemas ./schemas
COPY src ./src
COPY infra ./infra
COPY bin ./bin
COPY tsconfig.json ./
USER node
ENTRYPOINT ["node", "bin/webex-archiver.js"]
