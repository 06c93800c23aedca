# syntax=docker/dockerfile:1
# Switchboard's container image: a static binary (the web app embedded),
# run as a non-root user on a distroless base (no shell, no package
# manager). docs/deployment.md explains how to run it; docker-compose.yml
# runs a cluster of two nodes with it. A test (internal/crashtest,
# deploy_test.go) checks that this file builds the way the Makefile does.

# 1. The web app, built by Vite into web/dist.
FROM node:20.19-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# 2. The binary, by the Makefile's own rule, with cgo off so it links
#    statically (the SQLite driver is pure Go). -o web/dist/index.html
#    tells make the app is already built (stage 1).
FROM golang:1.26.8-bookworm AS build
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/web/dist ./web/dist
RUN CGO_ENABLED=0 make -o web/dist/index.html VERSION=${VERSION} bin/switchboard \
 && mkdir -p /out/data && cp bin/switchboard /out/switchboard

# 3. The image: the binary alone, as the distroless "nonroot" user
#    (uid 65532), with the SQLite data folder as a volume it owns.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/switchboard /switchboard
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
ENV SWITCHBOARD_ADDR=0.0.0.0:8080 \
    SWITCHBOARD_DATA=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["/switchboard", "health"]
ENTRYPOINT ["/switchboard"]
CMD ["serve"]
