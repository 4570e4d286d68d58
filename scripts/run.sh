#!/usr/bin/env bash
# Starts essplan for development on http://127.0.0.1:8000 with the seed data loaded, and
# its background worker.
# Without DATABASE_URL the embedded PostgreSQL of var/pgdata is used.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_seed
.venv/bin/python manage.py create_demo_users
.venv/bin/python manage.py create_demo_sessions
# The worker that runs long jobs (reports, large imports), stopped with the server.
.venv/bin/python manage.py db_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT
echo "essplan : http://127.0.0.1:8000/ (Ctrl-C pour arrêter ; processus de travail $worker)"
.venv/bin/python manage.py runserver 127.0.0.1:8000
