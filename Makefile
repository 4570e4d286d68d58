.PHONY: run test lock

# Set everything up, load the seed data and serve http://127.0.0.1:8000.
run:
	scripts/bootstrap.sh
	scripts/run.sh

# Run the whole test suite (embedded PostgreSQL, or DATABASE_URL when set).
test:
	scripts/bootstrap.sh
	scripts/test.sh

# Re-resolve requirements.lock from pyproject.toml (needs the network).
lock:
	.venv/bin/python -m pip install --quiet pip-tools
	.venv/bin/pip-compile --quiet --strip-extras --extra dev --no-header --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
