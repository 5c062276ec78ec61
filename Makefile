# Two entry points: `make run` (install, then the main job) and `make test` (install, then the tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: run test check install clean bench fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## run: build the catalog's website (when needed) and serve it on http://127.0.0.1:8000/
run: $(STAMP)
	$(BIN)/ja-llm validate --quiet
	$(BIN)/ja-llm serve --port $(PORT)

## Debian's Chromium for the browser tests (Playwright drives it; nothing downloads a browser) and a CJK font
## so that pages and screenshots show Japanese text
CHROMIUM ?= /usr/bin/chromium
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
$(CHROMIUM) $(CJK_FONT):
	@if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else \
	  echo "missing $@: install Debian's chromium and fonts-noto-cjk packages as root" >&2; exit 1; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null

## check: lint, format, types and the layer contracts of the pipeline (configured in pyproject.toml)
check: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

## test: the checks, then the test suite (browser tests use $(CHROMIUM))
test: check $(CHROMIUM) $(CJK_FONT)
	JA_LLM_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest

## fuzz: 100,000 generated documents through the importer, with a random seed (CI runs 2,000, fixed)
FUZZ_EXAMPLES ?= 100000
fuzz: $(STAMP)
	JA_LLM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) JA_LLM_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q -p no:cacheprovider \
	  --timeout=14400 tests/test_fuzz_importer.py -k takes_any_document

clean:
	rm -rf $(VENV) .pytest_cache

## bench: run the benchmarks (catalog loading; search: cold start and 10k/100k queries; website: updates in headless Chromium;
## the one-entry rebuild beside a baseline commit; the build beside upstream's VitePress build; build and search at 1k/10k/100k entries; the text scanners' linearity) and append their results to
## bench/RESULTS.md
BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): $(STAMP) bench/vitepress/package-lock.json
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	npm install --prefix bench/.npm --no-save --no-audit --no-fund --silent linkinator@6.1.4
	npm ci --prefix bench/vitepress --no-audit --no-fund --silent
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) $(CHROMIUM)
	$(BIN)/python bench/load_bench.py > bench/.latest.md
	$(BIN)/python bench/search_bench.py >> bench/.latest.md
	JA_LLM_CHROMIUM=$(CHROMIUM) $(BIN)/python bench/site_bench.py >> bench/.latest.md
	$(BIN)/python bench/serve_bench.py >> bench/.latest.md
	$(BIN)/python bench/build_bench.py >> bench/.latest.md
	$(BIN)/python bench/rebuild_bench.py >> bench/.latest.md
	$(BIN)/python bench/links_bench.py >> bench/.latest.md
	$(BIN)/python bench/vitepress_bench.py >> bench/.latest.md
	$(BIN)/python bench/scale_bench.py >> bench/.latest.md
	$(BIN)/python bench/linear_bench.py >> bench/.latest.md
	cat bench/.latest.md >> bench/RESULTS.md
	rm -f bench/.latest.md
	@echo "appended to bench/RESULTS.md"
