# Custody: the two commands that matter are `make demo` and `make test`.
# Every target installs what is missing first (scripts/install-deps.sh, idempotent).

SWIFT      ?= swift
PYTHON     ?= /usr/bin/python3
DEBUG_BIN  := .build/debug
RELEASE_BIN:= .build-release/release

.PHONY: all deps build release test unit-test usb-test integration-test demo bench clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --scratch-path .build-release

## make test: unit tests (Swift Testing), the real libusb against umockdev's emulated
## devices, and the integration suite (real daemon, real CLI, emulated docking).
test: deps
	$(SWIFT) build --build-tests
	$(MAKE) unit-test usb-test integration-test

unit-test:
	$(SWIFT) test --skip-build --parallel --num-workers 2

usb-test:
	CUSTODY_SKIP_BUILD=1 bash tests/umockdev/run-usb-tests.sh

integration-test:
	cd tests/integration && CUSTODY_BIN=$(CURDIR)/$(DEBUG_BIN) $(PYTHON) -m pytest -q

## make demo: the whole pipeline on generated recordings, in a scratch directory.
demo: build
	bash scripts/demo.sh $(DEBUG_BIN)

## make bench: ingest throughput against sha256sum, cp + sha256sum and openssl, as ratios;
## then search latency (p50, p99) over an index of a million tagged items (scripts/bench-tagging.sh).
bench: release
	bash scripts/bench.sh $(RELEASE_BIN)

clean:
	rm -rf .build out
