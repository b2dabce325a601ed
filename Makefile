# mde-ledger — build, test, demo, bench, lint.
SWIFT ?= swift
BIN := .build/debug/mde-ledger

.PHONY: build test release demo bench lint format embed check-embed clean
DEVICES ?= 100000

build:
	$(SWIFT) build

## Runs every test (Swift Testing). The CLI tests run the built binary, so build it first.
test: check-embed
	$(SWIFT) build --product mde-ledger
	$(SWIFT) test

## Simulator → sync → five days later → sync → findings, in a scratch folder.
demo:
	$(SWIFT) build --product mde-ledger
	scripts/demo $(abspath $(BIN))

## Release-build sync benchmark against the simulator, with SQLite's own JSON import as the baseline.
bench:
	$(SWIFT) build -c release --product mde-ledger
	scripts/bench $(DEVICES)

release:
	$(SWIFT) build -c release --product mde-ledger

## Re-generates Sources/MDELedger/Generated/EmbeddedSQL.swift from migrations/ and reports/.
embed:
	python3 scripts/embed-sql

check-embed:
	@python3 scripts/embed-sql --check || { echo "EmbeddedSQL.swift is stale: run 'make embed'"; exit 1; }

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Package.swift

format:
	$(SWIFT) format --in-place --recursive --parallel Sources Tests Package.swift

clean:
	rm -rf .build
