# Cascade: API + web app in one image. Build: docker build -t cascade .
# Stage 1 builds the WASM web app and the server; stage 2 is a slim runtime.

FROM rust:1.95-bookworm AS build
WORKDIR /src
RUN rustup target add wasm32-unknown-unknown
COPY . .
# The wasm-bindgen CLI must match the crate version locked in Cargo.lock.
RUN WBG=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock) \
 && cargo install wasm-bindgen-cli --version "$WBG"
RUN make frontend server

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /app --uid 10001 cascade
WORKDIR /app
COPY --from=build /src/target/release/cascade /usr/local/bin/cascade
COPY --from=build /src/frontend/dist /app/frontend/dist
RUN mkdir -p /app/data && chown cascade /app/data
USER cascade
ENV CASCADE__SERVER__HOST=0.0.0.0 \
    CASCADE__SERVER__PORT=8080 \
    CASCADE__SERVER__STATIC_DIR=/app/frontend/dist \
    CASCADE__SERVER__WORK_DIR=/app/data/work \
    CASCADE__DATABASE__URL=sqlite:/app/data/cascade.db \
    CASCADE__LOG__FORMAT=json
EXPOSE 8080
VOLUME ["/app/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
# SIGTERM stops accepting connections and finishes in-flight requests.
STOPSIGNAL SIGTERM
ENTRYPOINT ["cascade"]
CMD ["serve", "--demo-if-empty"]
