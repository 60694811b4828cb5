# Crisis Mode for Odoo — the two commands a newcomer needs: `make run`, `make test`.
.PHONY: run test test-odoo-core test-production setup lint format i18n bench clean

setup:
	@bash .ci/setup.sh

run:
	@bash .ci/run_demo.sh

test:
	@bash .ci/test.sh

# Odoo's own tests of crm, sms, mail and privacy_lookup with the suite installed
# (CI runs it after `make test`; 8 min on the 2 cores of 2026-12-07, 398 tests).
test-odoo-core:
	@bash .ci/test_odoo_core.sh

# Only the production tests of tests/ (two nodes on one database, prefork
# websockets, the SMTP hand-over guard, the deploy files), on a database of their own.
test-production: setup
	.venv/bin/pytest -q tests/test_two_nodes.py tests/test_prefork_websocket.py tests/test_mail_handover.py tests/test_deploy.py

# The OCA pre-commit hooks (.pre-commit-config.yaml) on all files; fixers change files.
lint: setup
	@bash .ci/lint.sh

format: setup
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

i18n: setup
	.venv/bin/python i18n/export_pot.py --db $${DB:-crisis_demo} $(if $(DRAFTS),--drafts $(DRAFTS))

bench: setup
	.venv/bin/python bench/run_all.py

clean:
	rm -rf .test-logs .pytest_cache .ruff_cache
