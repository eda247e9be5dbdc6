# Partner Console — the two commands a newcomer needs:
#   make run    runs the console (its own PostgreSQL in ./.data when DATABASE_URL is unset)
#   make test   runs the whole test suite (its own PostgreSQL and headless Chromium)
GO ?= go

.PHONY: run test build generate vendor check bench

# Build, then run the binary itself (not `go run`): Ctrl-C, SIGTERM and
# SIGHUP stop it cleanly and `make run` exits 0.
run:
	@$(GO) build -o bin/console ./cmd/console
	@./bin/console serve

test:
	$(GO) test -count=1 -timeout 30m ./...

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/console ./cmd/console

generate:
	$(GO) tool templ generate

# Re-vendor front-end files from npm after changing package.json.
vendor:
	npm install --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js static/js/htmx.min.js
	cp node_modules/axe-core/axe.min.js web/e2e/testdata/axe.min.js

# staticcheck is pinned here and in .ci/run; bump both together.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

check:
	$(GO) vet ./...
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	$(GO) run $(STATICCHECK) ./...

bench:
	$(GO) run ./cmd/bench
