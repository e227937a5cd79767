# kubelab: `make run` starts the cluster, `make test` runs lint + all tests.
# Both install what is missing first (scripts/setup.sh), so a fresh Debian 12 works.
PYTHON := .venv/bin/python

.PHONY: run test setup setup-test lint bench chaos fuzz clean

run: setup
	$(PYTHON) manage.py up

test: setup-test
	$(PYTHON) -m cluster.runner.testrun

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

lint: setup-test
	$(PYTHON) -m ruff check .

# Every benchmark under bench/, with the fixed parameters docs/benchmarks.md quotes, each
# repeated (3 runs, or the script's own --runs/--repeat) and its section written as the
# median run plus every run's figures; then the charts. The list is bench/suite.py's STEPS.
bench: setup
	$(PYTHON) bench/suite.py

# Fault injection under churn (scripts/chaos.py): simulated nodes, then Docker kubelets,
# 10 kills of every process each; results in docs/reliability.md, exit 1 on a violation.
chaos: setup
	$(PYTHON) scripts/chaos.py --runtime simulated --kills 10
	$(PYTHON) scripts/chaos.py --runtime docker --kills 10

# The API fuzzers at length (about ten minutes each here): hypothesis-generated manifests and
# raw bodies against a real server; any 5xx or an unhealthy server afterwards fails. Then
# schemathesis: every operation of the served /openapi/v2 and /openapi/v3 documents, 100
# cases each (50 for v3), responses checked against the documents.
fuzz: setup-test
	KUBELAB_FUZZ_EXAMPLES=20000 $(PYTHON) -m pytest tests/cluster/test_fuzz_api.py -q --timeout 1800
	KUBELAB_SCHEMATHESIS_EXAMPLES=100 $(PYTHON) -m pytest tests/cluster/test_schemathesis_api.py \
		-q --timeout 3600

# Generated state only: the var dir (database, logs, kubeconfig) and caches.
clean:
	rm -rf var .pytest_cache .ruff_cache
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +
