#!/usr/bin/env bash
# Runs the whole test suite on PostgreSQL: the embedded server, or DATABASE_URL's.
# pytest's exit code 5 ("no tests ran") counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export SECRET_KEY="${SECRET_KEY:-test-only-secret-key-not-for-production-$(date +%s)-essplan}"
export DEBUG=false
# One pytest-xdist worker per core, each with its own test database (test_essplan_<pid>),
# embedded or DATABASE_URL's server, and its own Redis database (essplan.settings); a test
# file stays on one worker, whose module fixtures it shares. "-n 0" runs in one process.
.venv/bin/pytest -n "${TEST_WORKERS:-auto}" --dist loadfile "$@"
status=$?
if [[ $status == 5 ]]; then
    echo "Aucun test n'a été exécuté : échec." >&2
    exit 1
fi
exit $status
