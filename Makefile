# One-word targets: demo, test, lint, bench, eval. Each creates and uses .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DATA := data/demo
HISTORY_DATA := data/sheffield-history
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: demo test lint bench eval clean

TORCH_VERSION := 2.13.0
# PyTorch's CPU wheels: a plain `pip install torch` on Linux pulls gigabytes of CUDA libraries.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu

# torch first: a CPU build already at hand (a local wheel cache or mirror offering "+cpu") is used
# as it is; otherwise it comes from PyTorch's CPU index.
$(BIN)/foibot: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "foibot needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet 'torch==$(TORCH_VERSION)+cpu' 2>/dev/null \
	  || $(BIN)/pip install --quiet 'torch==$(TORCH_VERSION)' --index-url $(TORCH_INDEX)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/foibot

demo: $(BIN)/foibot
	FOIBOT_DATA_DIR=$(DEMO_DATA) $(BIN)/foibot ingest samples/corpus
	FOIBOT_DATA_DIR=$(DEMO_DATA) $(BIN)/foibot stats
	FOIBOT_DATA_DIR=$(DEMO_DATA) $(BIN)/foibot demo samples/requests/$$(ls samples/requests | head -n 1)

test: $(BIN)/foibot
	$(BIN)/python -m pytest -q

lint: $(BIN)/foibot
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(BIN)/foibot
	$(BIN)/python bench/knowledge_bench.py
	$(BIN)/python bench/drafting_bench.py
	$(BIN)/python bench/llm_bench.py
	$(BIN)/python bench/crawl_bench.py
	$(BIN)/python bench/slack_bench.py

eval: $(BIN)/foibot
	@if [ -d ../shared/corpora/real-dev ]; then $(BIN)/foibot eval ../shared/corpora/real-dev; \
	else echo "../shared/corpora/real-dev is not beside this clone: skipping the real threads"; fi
	@# The real use: real-dev's questions drafted against the same council's own history (its 419
	@# threads ingested once into $(HISTORY_DATA); a later run only re-reads what changed).
	@if [ -d ../shared/corpora/sheffield-history ] && [ -d ../shared/corpora/real-dev ]; then \
	FOIBOT_DATA_DIR=$(HISTORY_DATA) $(BIN)/foibot ingest ../shared/corpora/sheffield-history && \
	$(BIN)/foibot eval ../shared/corpora/real-dev --store $(HISTORY_DATA) --drafting-only; \
	else echo "../shared/corpora/sheffield-history is not beside this clone: skipping drafting against it"; fi
	@if [ -d ../shared/examples ]; then $(BIN)/foibot eval ../shared/examples; \
	else echo "../shared/examples is not beside this clone: skipping the real examples"; fi
	$(BIN)/foibot eval samples/corpus --reading-only

clean:
	rm -rf $(DEMO_DATA) .pytest_cache .mypy_cache .ruff_cache
