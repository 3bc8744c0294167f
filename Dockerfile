# syntax=docker/dockerfile:1
#
# FastSim backend image: one static binary on distroless, non-root.
#
#   docker build --build-arg VERSION=v1.2.3 -t backend:v1.2.3 .
#   docker run --rm -p 8000:8000 backend:v1.2.3            # SQLite in /data, memory cache
#   docker run --rm backend:v1.2.3 migrate up               # any subcommand: the entrypoint is fastsim
#
# The build stage needs no CGO (pgx, modernc.org/sqlite and go-redis are
# pure Go), so the binary runs on distroless/static with no libc. The web
# UI is built in its own Node stage and embedded by the Go build (package
# web): the image never contains Node or node_modules.

# The newest patched release; keep in step with RELEASE_GO in .ci/vulncheck.
ARG GO_VERSION=1.26.10

# The web UI (web/: React + TypeScript + Vite). Its output is the same on
# every platform, so it runs once, on the builder's. The committed
# web/dist is not in the build context (.dockerignore): the image embeds a
# build of the sources it was built from.
FROM --platform=$BUILDPLATFORM node:20 AS web
WORKDIR /src/web
# Dependencies first: this layer is reused until the lock file changes.
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# The build stage runs on the builder's platform and cross-compiles.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
WORKDIR /src
# Dependencies first: this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
COPY --from=web /src/web/dist ./web/dist
ARG VERSION=dev
ARG TARGETOS=linux
ARG TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath \
      -ldflags "-s -w -X github.com/fastsim/fastsim/version.Version=${VERSION}" \
      -o /out/fastsim ./cmd/fastsim \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="fastsim-backend" \
      org.opencontainers.image.description="FastSim: discrete-event simulator of asynchronous backends, REST API and workers" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/fastsim/fastsim" \
      org.opencontainers.image.licenses="MIT"
COPY --from=build /out/fastsim /usr/local/bin/fastsim
# The SQLite default writes fastsim.db here; owned by the nonroot user (65532).
COPY --from=build --chown=65532:65532 /out/data /data
ENV FASTSIM_ADDR=:8000 \
    FASTSIM_DATA_DIR=/data
USER 65532:65532
EXPOSE 8000
VOLUME ["/data"]
# No shell or curl in the image: the binary probes itself (GET /health on
# the port of FASTSIM_ADDR).
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["/usr/local/bin/fastsim", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/fastsim"]
CMD ["serve"]
