# Two entry points: `make run` (install, then the main job) and `make test` (install, then the tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## run: validate the shipped catalog and print its summary (later: build and serve the site)
run: $(STAMP)
	$(BIN)/ja-llm validate

## test: run the test suite
test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache

## bench: run the benchmarks and append their results to bench/RESULTS.md
bench: $(STAMP)
	$(BIN)/python bench/search_bench.py > bench/.latest.md
	cat bench/.latest.md >> bench/RESULTS.md
	rm -f bench/.latest.md
	@echo "appended to bench/RESULTS.md"
