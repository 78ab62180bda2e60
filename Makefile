# Custody: the two commands that matter are `make demo` and `make test`.
# Every target installs what is missing first (scripts/install-deps.sh, idempotent).

SWIFT      ?= swift
PYTHON     ?= /usr/bin/python3
DEBUG_BIN  := .build/debug
RELEASE_BIN:= .build-release/release

# make install PREFIX=/usr DESTDIR=/tmp/root: release binaries, units, udev rules,
# sysusers/tmpfiles entries, default custodyd.toml, catalog, man pages, completions.
# BIN=DIR installs the binaries in DIR instead of building release ones (the tests
# install the debug build).
PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR    ?=
BIN        ?=
INSTALL_BIN = $(if $(BIN),$(BIN),$(RELEASE_BIN))
GENERATED  := out/generated

.PHONY: all deps build release test module-graph unit-test usb-test integration-test adversarial-test fuzz fuzz-smoke demo bench clean generated install uninstall deb

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path .build-release

## Man pages (swift-argument-parser's generate-manual) and bash/zsh/fish completions.
generated: $(if $(BIN),,release)
	bash scripts/generate-docs.sh $(INSTALL_BIN) $(GENERATED)

install: generated
	DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" SYSCONFDIR="$(SYSCONFDIR)" bash scripts/install.sh install $(INSTALL_BIN) $(GENERATED)

## Removes exactly what install installed (never the state in /var/lib/custody).
uninstall:
	DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" SYSCONFDIR="$(SYSCONFDIR)" bash scripts/install.sh uninstall $(INSTALL_BIN) $(GENERATED)

## A Debian package of the same files (out/deb/custody_VERSION_ARCH.deb), checked by lintian.
deb: generated
	bash scripts/make-deb.sh $(INSTALL_BIN) $(GENERATED) out/deb
	lintian --fail-on error out/deb/*.deb

## make test: unit tests (Swift Testing), the real libusb against umockdev's emulated
## devices, the integration suite (real daemon, real CLI, emulated docking) and the
## adversarial suite (attacks against the real daemon and socket).
test: deps
	$(SWIFT) build --build-tests
	$(MAKE) module-graph notice-check unit-test usb-test integration-test adversarial-test fuzz-smoke

## NOTICE lists every resolved package and every shared library the binaries link (scripts/make-notice.py).
notice-check:
	$(PYTHON) scripts/make-notice.py --check $(DEBUG_BIN)/custodyd $(DEBUG_BIN)/custodyctl

## make fuzz: libFuzzer over every target in fuzz/README.md (partitions, FAT and exFAT; MP4, EXIF,
## WAV/BWF; the JSON reader; the CSV and iCalendar registry readers; the HTTP request path),
## FUZZ_SECONDS each (default 300); FUZZ_TARGETS="metadata http" runs only those.
fuzz: deps
	bash scripts/fuzz.sh $${FUZZ_SECONDS:-300} $${FUZZ_TARGETS:-}

## The same for a short time, as part of make test: FUZZ_SMOKE_SECONDS each (default 10; about a minute in all).
fuzz-smoke:
	bash scripts/fuzz.sh $${FUZZ_SMOKE_SECONDS:-10}

## Every module imports only lower floors; the wire (CustodyProtocol) is the server's, client's and CLI's alone.
module-graph:
	$(PYTHON) scripts/check-module-graph.py

unit-test:
	$(SWIFT) test --skip-build --parallel --num-workers 2

usb-test:
	CUSTODY_SKIP_BUILD=1 bash system-tests/umockdev/run-usb-tests.sh

integration-test:
	cd system-tests/integration && CUSTODY_BIN=$(CURDIR)/$(DEBUG_BIN) $(PYTHON) -m pytest -q

## The standing adversarial suite (system-tests/adversarial/README.md): each attack against the real daemon.
adversarial-test:
	cd system-tests/adversarial && PYTHONPATH=$(CURDIR)/system-tests/integration CUSTODY_BIN=$(CURDIR)/$(DEBUG_BIN) $(PYTHON) -m pytest -q

## make demo: the whole pipeline on generated recordings, in a scratch directory.
demo: build
	bash scripts/demo.sh $(DEBUG_BIN)

## make bench: ingest throughput against sha256sum, cp + sha256sum and openssl, as ratios; volumes;
## the ledger; search latency (p50, p99) over an index of a million tagged items (scripts/bench-tagging.sh);
## courtroom capture CPU against arecord (scripts/bench-capture.sh).
bench: release
	bash scripts/bench.sh $(RELEASE_BIN)

clean:
	rm -rf .build .build-release out
