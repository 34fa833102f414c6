# SAVE IT — every task a developer or CI needs. Only Python >= 3.11 is required.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: run test test-pg lint typecheck migrations-check deploy-check schemathesis e2e bench bench-smoke scale-check demo messages messages-check ci clean

$(VENV)/.installed-runtime: requirements.lock
	@scripts/bootstrap_venv.sh "$(PYTHON)" "$(VENV)" requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock
	@scripts/bootstrap_venv.sh "$(PYTHON)" "$(VENV)" requirements-dev.lock
	@touch $@ $(VENV)/.installed-runtime

catalogues: $(VENV)/.installed-runtime
	@$(PY) scripts/compile_messages.py >/dev/null

## make run — install, migrate the SQLite database under var/, load the demo, serve with the worker
run: $(VENV)/.installed-runtime catalogues
	@mkdir -p var
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py collectstatic --noinput -v 0
	@$(PY) manage.py demo
	@scripts/serve.sh "$(PY)" "$(HOST)" "$(PORT)"

## make test — the whole suite on SQLite (DATABASE_URL=postgres://… runs it on PostgreSQL)
test: $(VENV)/.installed-dev catalogues
	@$(PY) -m pytest -n $(PYTEST_WORKERS) saveit

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy saveit config

migrations-check: $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

deploy-check: $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  ALLOWED_HOSTS=saveit.example.fr $(PY) manage.py check --deploy --fail-level WARNING

schemathesis: $(VENV)/.installed-dev catalogues
	scripts/schemathesis.sh

e2e: $(VENV)/.installed-dev catalogues
	scripts/e2e.sh

## make scale-check — two app instances sharing PostgreSQL, Redis and S3 (moto), one RQ worker
scale-check: $(VENV)/.installed-dev catalogues
	scripts/scale_check.sh

## make bench — every SPEC §15 benchmark next to its raw floor (DATABASE_URL=postgres://… for
## PostgreSQL); about 20 minutes on two cores. make bench-smoke: the same on tiny data sets (CI).
bench: $(VENV)/.installed-dev catalogues
	$(PY) bench/audit_verify.py --events $${BENCH_EVENTS:-1000000} --runs 3
	$(PY) bench/deployment.py --learners 100000 --runs 3
	$(PY) bench/dashboards.py --runs 5
	$(PY) bench/attestation_pdfs.py --count 10000
	$(PY) bench/learner_pages.py --seconds 10
	$(PY) bench/sla_report.py --tickets 10000 --runs 5

bench-smoke: $(VENV)/.installed-dev catalogues
	$(PY) bench/audit_verify.py --events 2000 --runs 1
	$(PY) bench/deployment.py --learners 2000 --runs 1
	$(PY) bench/dashboards.py --learners 2000 --modules 10 --runs 1
	$(PY) bench/attestation_pdfs.py --count 50
	$(PY) bench/learner_pages.py --seconds 2
	$(PY) bench/sla_report.py --tickets 200 --runs 1

demo: $(VENV)/.installed-runtime catalogues
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py demo

## make messages — refresh the French catalogues from the code (needs GNU gettext)
messages: $(VENV)/.installed-dev
	$(PY) scripts/make_messages.py

## make messages-check — fails when a message of the code has no French translation
messages-check: $(VENV)/.installed-dev catalogues
	$(PY) scripts/check_messages.py

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var
