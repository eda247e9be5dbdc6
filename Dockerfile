# syntax=docker/dockerfile:1
# Build stage: a static binary with the views, migrations and static files embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/console ./cmd/console

# Final stage: no shell, no package manager, runs as an unprivileged user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/console /console
USER nonroot:nonroot
ENV ADDR=0.0.0.0:8080 APP_ENV=production
EXPOSE 8080
ENTRYPOINT ["/console"]
CMD ["serve"]
