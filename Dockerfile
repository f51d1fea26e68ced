# Image for docker-compose.yml. The CLI runs TypeScript through tsx (no build step), in the
# entrypoint's own process (bin/webex-archiver.js), so `docker stop`'s SIGTERM reaches it and it
# stops cleanly (leaves its consumer group, exit 0) within the grace period.
# What the services need and nothing else: not bench/ (bench and soak) nor the local servers'
# build in infra/ (demo and infra), which need Java, Maven and Dovecot; the CLI does not offer
# those commands here (src/cli/availability.ts). infra/paths.ts only names the repository root.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY schemas ./schemas
COPY src ./src
COPY infra/paths.ts ./infra/paths.ts
COPY bin ./bin
COPY tsconfig.json ./
# The image's own unprivileged user (uid 1000): nothing here needs root.
USER node
ENTRYPOINT ["node", "bin/webex-archiver.js"]
