# Everything installs itself: a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
# Browser tests drive Debian's Chromium (a browser download is not possible in CI), with a
# Korean font so the screenshots show Hangul, not boxes.
CHROMIUM := /usr/bin/chromium
KOREAN_FONT := /usr/share/fonts/truetype/nanum/NanumGothic.ttf
# The front ends have no build step; node only lints them (ESLint, pinned in package-lock.json) and
# unit-tests their pure modules (node --test). Debian's nodejs when the machine has none.
NODE := /usr/bin/node
NODE_STAMP := node_modules/.installed

.PHONY: run test test-fast lint lint-js test-js unit integration e2e clean bench package deploy publish-frontend destroy

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	PORT=$(PORT) $(PY) -m infra.local

$(CHROMIUM) $(KOREAN_FONT):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum

$(NODE):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm

$(NODE_STAMP): package.json package-lock.json | $(NODE)
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

lint-js: $(NODE_STAMP)
	npx --no-install eslint .

test-js: lint-js
	node --test --test-reporter=spec tests/frontend/

# Two pytest workers, a test file at a time each (a file's local stack starts once); then the
# packaged-template tests on their own (they package into one build/), whose IAM check reads the
# AWS calls every worker and local stack recorded.
AWS_CALL_LOG := build/aws-calls.jsonl

test: $(STAMP) $(CHROMIUM) $(KOREAN_FONT) test-js
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	mkdir -p build && rm -f $(AWS_CALL_LOG)
	LIVECHAT_AWS_CALL_LOG=$(CURDIR)/$(AWS_CALL_LOG) $(PY) -m pytest -q -n 2 --dist loadfile --ignore=tests/infra
	LIVECHAT_AWS_CALL_LOG=$(CURDIR)/$(AWS_CALL_LOG) $(PY) -m pytest -q tests/infra

# The tiers that need no stack, no moto and no browser: pure rules, the use cases and the store
# contract on the in-memory store (well under a minute).
test-fast: $(STAMP)
	$(VENV)/bin/ruff check .
	CONTRACT_STORES=memory $(PY) -m pytest -q tests/unit tests/services tests/contract

# AWS (docs/deploy.md). `package` needs no credentials: build/$(STAGE)/sam.json + deployment.zip.
STAGE ?= dev

package: $(STAMP)
	$(PY) -m infra.aws.deploy package --stage $(STAGE)

deploy: $(STAMP)
	$(PY) -m infra.aws.deploy deploy --stage $(STAGE)

publish-frontend: $(STAMP)
	$(PY) -m infra.aws.deploy publish-frontend --stage $(STAGE)

destroy: $(STAMP)
	$(PY) -m infra.aws.deploy destroy --stage $(STAGE)

# Benchmarks print one table and write bench/results.json (committed: the README's figures);
# QUICK=1 for small sizes (bench/results-quick.json), ONLY=a,b to re-run some (merged into the file).
bench: $(STAMP)
	$(PY) -m bench $(if $(QUICK),--quick) $(if $(ONLY),--only $(ONLY))

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build node_modules
