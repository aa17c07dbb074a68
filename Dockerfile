# syntax=docker/dockerfile:1
# Multi-stage build of minqing. cgo is required: h3-go and go-sqlite3 are C.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/minqing ./cmd/minqing

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl tzdata \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /data minqing && mkdir -p /data && chown minqing /data
COPY --from=build /out/minqing /usr/local/bin/minqing
USER minqing
WORKDIR /data
ENV MINQING_ADDR=:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=5 \
    CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["minqing"]
CMD ["serve"]
