#!/usr/bin/env bash
# Runs the whole test suite on PostgreSQL: the embedded server, or DATABASE_URL's.
# pytest's exit code 5 ("no tests ran") counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export SECRET_KEY="${SECRET_KEY:-test-only-secret-key-not-for-production-$(date +%s)-essplan}"
export DEBUG=false
.venv/bin/pytest "$@"
status=$?
if [[ $status == 5 ]]; then
    echo "Aucun test n'a été exécuté : échec." >&2
    exit 1
fi
exit $status
