.PHONY: run test lock bench

# Set everything up, load the seed data and serve http://127.0.0.1:8000.
run:
	scripts/bootstrap.sh
	scripts/run.sh

# Lint and check the formatting (ruff, the rules of pyproject.toml; `ruff format .` fixes the
# latter), check the apps' import order (import-linter,
# [tool.importlinter]), lint the templates (djLint, [tool.djlint]), check the type hints (mypy:
# its plugin imports the settings, which want a SECRET_KEY, never used), then run the whole
# test suite (embedded PostgreSQL, or DATABASE_URL when set).
test:
	scripts/bootstrap.sh
	.venv/bin/ruff check --no-cache .
	.venv/bin/ruff format --check --no-cache .
	.venv/bin/lint-imports
	.venv/bin/djlint templates --lint
	SECRET_KEY=mypy-only-never-used .venv/bin/mypy
	scripts/test.sh

# The load benchmark (minutes; never part of the tests): prints its table, writes bench/results/.
bench:
	scripts/bootstrap.sh
	.venv/bin/python bench/run.py

# Re-resolve requirements.lock from pyproject.toml (needs the network).
lock:
	.venv/bin/python -m pip install --quiet pip-tools
	.venv/bin/pip-compile --quiet --strip-extras --extra dev --no-header --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
