# Complete Community Toolkit — build, test and demo on Debian (QGIS from Debian's packages).
# `make demo` and `make test` each install what they need, idempotently.

SHELL := /bin/bash
PYTHON_SYSTEM := /usr/bin/python3
VENV := .venv
PYTHON := $(VENV)/bin/python
QGIS_PROCESS := /usr/bin/qgis_process.bin
export QT_QPA_PLATFORM := offscreen

TS_FILES := $(wildcard i18n/*.ts)
QM_FILES := $(TS_FILES:.ts=.qm)

.PHONY: setup system-packages venv translations test lint demo package bench bench-quick test-qgis340 clean

setup: system-packages venv translations

system-packages:
	@tools/install_system_packages.sh

$(VENV)/.installed: requirements-test.txt
	@[ -x $(PYTHON) ] || $(PYTHON_SYSTEM) -m venv --system-site-packages $(VENV)
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

venv: system-packages $(VENV)/.installed

i18n/%.qm: i18n/%.ts
	@lrelease -silent $< -qm $@

translations: system-packages $(QM_FILES)

test: setup
	@PYTHONSAFEPATH=1 $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(PYTHON) tools/check_qt6.py

demo: setup
	@$(PYTHON) tools/demo.py

package: translations
	@$(PYTHON_SYSTEM) tools/package.py complete_community.zip

test-qgis340: translations
	@tools/qgis340_lane.sh $(PYTEST_ARGS)

bench: setup
	@$(PYTHON) bench/run.py

bench-quick: setup
	@$(PYTHON) bench/run.py --sizes S

clean:
	rm -rf build output complete_community.zip $(QM_FILES)
