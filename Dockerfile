# syntax=docker/dockerfile:1
FROM node:26-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY controllers ./controllers
COPY schemas ./schemas
RUN npm run build && npm prune --omit=dev

FROM node:26-slim
# git: the Git manifest source fetches with the git command.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates openssh-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
COPY manifests ./manifests
# The default controller configuration; it takes its settings from the environment.
COPY manifests/deploy/keelson.yaml /etc/keelson/keelson.yaml
RUN ln -s /app/dist/src/cli/main.js /usr/local/bin/keelson && chmod +x /app/dist/src/cli/main.js
USER node
EXPOSE 8080
ENTRYPOINT ["keelson"]
# keelson listens on loopback unless told otherwise; in a container the port mapping needs every interface.
CMD ["run", "--host", "0.0.0.0"]
