# syntax=docker/dockerfile:1
# Three stages: the build compiles and packs keelson exactly as it is published (package.json
# `files`), the dependencies stage installs the production dependencies only, and the image
# holds those two and runs as the unprivileged `node` user.
FROM node:26-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json README.md LICENSE ./
COPY bin ./bin
COPY src ./src
COPY controllers ./controllers
COPY schemas ./schemas
COPY manifests ./manifests
COPY web ./web
# npm pack takes what package.json `files` names, so a file the package ships is in the image
# too; --ignore-scripts: the build just ran (prepack would run it again).
RUN npm run build \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && mkdir /package && tar -xzf /tmp/keelson-*.tgz -C /package --strip-components=1

FROM node:26-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:26-slim
# git: the Git manifest source fetches with the git command.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates openssh-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /package ./
# The default controller configuration; it takes its settings from the environment.
COPY --from=build /package/manifests/deploy/keelson.yaml /etc/keelson/keelson.yaml
# bin/keelson.js runs the compiled dist/ when there is no TypeScript source, as an installed package does.
RUN ln -s /app/bin/keelson.js /usr/local/bin/keelson && chmod +x /app/bin/keelson.js
USER node
EXPOSE 8080
ENTRYPOINT ["keelson"]
# keelson listens on loopback unless told otherwise; in a container the port mapping needs every interface.
CMD ["run", "--host", "0.0.0.0"]
