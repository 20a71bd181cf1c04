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

# The other QGIS lanes: a Debian suite each (tools/qgis_lane.sh; its roots live in
# $(QGIS_LANES_DIR), default build/lanes). Their packages: tools/debian-packages.txt.
LANE_PACKAGES := tools/debian-packages.txt
LANE_340 := --suite trixie --qgis 3.40 --packages $(LANE_PACKAGES)
LANE_344 := --suite forky --qgis 3.44 --packages $(LANE_PACKAGES)

.PHONY: setup system-packages venv translations test lint demo package bench bench-quick \
	test-qgis340 test-qgis344 provision-qgis340 provision-qgis344 clean

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
	@shellcheck tools/*.sh .ci/run

demo: setup
	@$(PYTHON) tools/demo.py

package: translations
	@$(PYTHON_SYSTEM) tools/package.py complete_community.zip

test-qgis340: translations
	@tools/qgis_lane.sh $(LANE_340) -- $(PYTEST_ARGS)

test-qgis344: translations
	@tools/qgis_lane.sh $(LANE_344) -- $(PYTEST_ARGS)

# Make a lane's root ready without running tests (.ci/run does this while the host suite runs).
provision-qgis340:
	@tools/qgis_lane.sh $(LANE_340) --provision-only

provision-qgis344:
	@tools/qgis_lane.sh $(LANE_344) --provision-only

bench: setup
	@$(PYTHON) bench/run.py

bench-quick: setup
	@$(PYTHON) bench/run.py --sizes S

# build/ may hold the lanes' roots: never delete while a lane has something mounted in them.
clean:
	@! findmnt -rn -o TARGET | grep -q "^$(CURDIR)/build/" \
		|| { echo "a test lane is running (mounts under build/): not cleaning" >&2; exit 1; }
	rm -rf --one-file-system build output complete_community.zip $(QM_FILES)
