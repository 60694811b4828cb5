# Crisis Mode for Odoo — the two commands a newcomer needs: `make run`, `make test`.
.PHONY: run test setup lint format i18n bench clean

setup:
	@bash .ci/setup.sh

run:
	@bash .ci/run_demo.sh

test:
	@bash .ci/test.sh

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
