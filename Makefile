# Conflux — two commands on a fresh machine: `make run` and `make test`.
# Everything else here is what those two need, and a few developer targets.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
BUF := $(TOOLS)/node_modules/.bin/buf
# The real buf CLI, and the Node.js gRPC packages of the example client (examples/node/).
NPM_TOOLS := @bufbuild/buf@1.75.0 @grpc/grpc-js@1.14.7 @grpc/proto-loader@0.8.1 \
             @grpc/reflection@1.0.4 grpc-health-check@2.1.0
APT_PACKAGES := tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng poppler-utils
# Debian packages only the tests need (not in the image): a real IMAP server for the IMAP
# polling tests, which start it with their own configuration (the system service is not used).
TEST_APT_PACKAGES := dovecot-imapd
# The storage and pipeline tests run on SQLite and on this PostgreSQL server; `make test`
# fails (rather than skips) them when it does not answer.
CONFLUX_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export CONFLUX_TEST_POSTGRES_URL

.PHONY: run test setup system-deps test-deps protos protos-check lint typecheck corpus bench clean

run: system-deps $(VENV)/.runtime
	$(BIN)/conflux demo

test: setup protos-check lint typecheck
	CONFLUX_REQUIRE_POSTGRES=1 NODE_PATH=$(TOOLS)/node_modules \
	  $(BIN)/python -m pytest -m "not corpus" -p no:cacheprovider --durations=10

setup: system-deps test-deps $(VENV)/.development $(TOOLS)/.installed

# Debian packages: installed only when missing (apt-get needs root, which CI has). Python 3.11
# with venv comes from Debian too when the machine has no python3.11 that can make a venv.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3.11 python3.11-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test-deps:
	@missing=""; for p in $(TEST_APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages for the tests:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# What the suite needs to run (make run), then what developing it needs (make test).
$(VENV)/.runtime: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.development: $(VENV)/.runtime
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

$(TOOLS)/.installed: Makefile
	@command -v npm >/dev/null || { echo "installing Node.js and npm (buf, the example client)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	mkdir -p $(TOOLS)
	cd $(TOOLS) && npm install --no-save --no-audit --no-fund --silent $(NPM_TOOLS)
	touch $@

# Regenerates the Python code of the protos into conflux/ (the one place it lives).
protos: setup
	$(BUF) lint
	scripts/gen_protos.sh .

# Fails when the protos break buf's STANDARD rules or the generated code has drifted.
protos-check: setup
	$(BUF) lint
	scripts/gen_protos.sh .build/protos-check
	diff -r -x __pycache__ conflux .build/protos-check/conflux

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

# Benchmarks print figures; they are not tests and do not run in CI.
bench: setup
	$(BIN)/python bench/pipeline_throughput.py
	$(BIN)/python bench/ocr_speed.py
	$(BIN)/python bench/ocr_accuracy.py

corpus: setup
	$(BIN)/python -m pytest -m corpus -p no:cacheprovider

# The email corpus sweep alone (also part of `corpus`), printing its report: which files are
# messages and why, what ingestion did with them per suite, mismatches with expected results.
.PHONY: sweep
sweep: setup
	$(BIN)/python -m pytest -m corpus -p no:cacheprovider -s tests/corpus/test_email_sweep.py

clean:
	rm -rf $(VENV) .tools .build var
