# mde-ledger — build, test, demo, bench, lint.
SWIFT ?= swift
BIN := .build/debug/mde-ledger

.PHONY: build test release dist install demo docs bench bench-year lint format embed check-embed clean golden
# make bench / bench-year: scripts/bench and scripts/bench-year read these (docs/performance.md).
DEVICES ?= 100000
PAGE ?= 10000
RUNS ?= 3
SEED ?= 1
DAYS ?= 365
BENCH_BIN ?= .build/release/mde-ledger
# make install: where the binary goes ($(DESTDIR)$(PREFIX)/bin/mde-ledger).
PREFIX ?= /usr/local
DESTDIR ?=

build:
	$(SWIFT) build

## Runs every test (Swift Testing). The CLI tests run the built binary, so build it first. Then scripts/check-dist
## builds the release tarball of HEAD (make dist) and checks it: no Swift library linked, --version, checksums.
test: check-embed
	$(SWIFT) build --product mde-ledger
	$(SWIFT) test
	SWIFT=$(SWIFT) scripts/check-dist

## Re-records Tests/Golden/reports/ from the fixed report scenario (review the diff before committing).
golden:
	$(SWIFT) build --product mde-ledger
	MDE_LEDGER_RECORD_GOLDEN=1 $(SWIFT) test --filter ReportGoldenTests

## Seven months of a simulated tenant: weekly syncs, retirement list, offboarding, monthly reports (docs/demo.md).
demo:
	$(SWIFT) build --product mde-ledger
	$(BIN) demo --out mde-ledger-demo

## Re-runs the command transcripts in README.md and docs/*.md and rewrites their output (scripts/update-docs).
docs:
	$(SWIFT) build --product mde-ledger
	python3 scripts/update-docs --bin $(abspath $(BIN))

## Release-build ingest benchmark (hyperfine): sync and import vs the sqlite3 and sqlite-utils upserts of the same
## pages, then the read side; writes bench/results.md.
bench:
	$(SWIFT) build -c release --product mde-ledger
	BIN=$(BENCH_BIN) DEVICES=$(DEVICES) PAGE=$(PAGE) RUNS=$(RUNS) SEED=$(SEED) scripts/bench

## A year of daily syncs on the simulator's clock (DAYS, DEVICES): sync times, ledger growth, verify; writes bench/year.md.
bench-year:
	$(SWIFT) build -c release --product mde-ledger
	BIN=$(BENCH_BIN) DEVICES=$(DEVICES) DAYS=$(DAYS) SEED=$(SEED) scripts/bench-year

release:
	$(SWIFT) build -c release --product mde-ledger

## Release build of the committed tree (HEAD), Swift runtime linked in, stripped, recording its commit:
## dist/mde-ledger-VERSION-linux-ARCH.tar.gz and dist/SHA256SUMS (scripts/dist, docs/operations.md#install).
dist:
	SWIFT=$(SWIFT) scripts/dist

## Installs that binary as $(DESTDIR)$(PREFIX)/bin/mde-ledger (PREFIX=/usr/local), building it unless built from HEAD.
install:
	SWIFT=$(SWIFT) scripts/dist --build-only --if-needed
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 0755 .build-dist/bin/mde-ledger "$(DESTDIR)$(PREFIX)/bin/mde-ledger"

## Re-generates Sources/MDELedger/Generated/EmbeddedSQL.swift from migrations/ and reports/.
embed:
	python3 scripts/embed-sql

check-embed:
	@python3 scripts/embed-sql --check || { echo "EmbeddedSQL.swift is stale: run 'make embed'"; exit 1; }

# The generated EmbeddedSQL.swift is left as scripts/embed-sql writes it: formatting would indent the SQL.
SWIFT_FILES = $(shell find Sources Tests -name '*.swift' -not -path '*/Generated/*') Package.swift

lint:
	$(SWIFT) format lint --strict --parallel $(SWIFT_FILES)

format:
	$(SWIFT) format --in-place --parallel $(SWIFT_FILES)

clean:
	rm -rf .build .build-dist
