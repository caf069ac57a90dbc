# The two commands of the README: `make report` and `make test`. Each sets up .venv on first use;
# `make test` also installs Debian's chromium for the browser tests when it is missing (as root).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: report test

report: $(VENV)/.installed
	@$(BIN)/dedup report seeds/

test: $(VENV)/.installed-test
	@scripts/ensure-chromium
	@$(BIN)/python -m pytest

$(VENV)/.created:
	@echo "Setting up $(VENV) (first run only) ..." >&2
	@$(PYTHON) -m venv $(VENV)
	@touch $@

$(VENV)/.installed: pyproject.toml dedup/_bands.c $(VENV)/.created
	@$(PIP) install -e .
	@touch $@

# The test extra and the ray extra: the Ray engine's tests run (not skip) in CI.
$(VENV)/.installed-test: pyproject.toml dedup/_bands.c $(VENV)/.created
	@$(PIP) install -e '.[test,ray]'
	@touch $@ $(VENV)/.installed
