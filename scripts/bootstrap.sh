#!/usr/bin/env bash
# Prepares this machine for essplan: the Debian libraries WeasyPrint needs (installed
# when missing and run as root), a Python 3.12 interpreter, the virtual environment
# .venv with every pinned dependency of requirements.lock. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the browser of the end-to-end tests (Playwright never downloads its own);
# wrk: the load generator of the benchmark (make bench); haproxy: its load balancer in front
# of one or two application servers; redis-server: the shared cache that the two-server test
# starts (a standalone one, never the machine's service).
DEB_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core poppler-utils chromium wrk haproxy redis-server)

missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "Installation des paquets Debian manquants : ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "Paquets Debian manquants (à installer par un administrateur) : ${missing[*]}" >&2
        echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    fi
fi

# Django 6.1 needs Python >= 3.12 and pgserver 0.1.4 ships binaries up to 3.12.
find_python() {
    local candidate
    for candidate in python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3 \
        /root/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3.12 /usr/bin/python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if [[ ! -x .venv/bin/python ]]; then
    if ! python=$(find_python); then
        echo "Python 3.12 introuvable. Installez-le (par exemple « pyenv install 3.12 »" >&2
        echo "ou le paquet python3.12 de votre distribution), puis relancez la commande." >&2
        exit 1
    fi
    echo "Création de l'environnement virtuel .venv avec $python"
    "$python" -m venv .venv
fi

stamp=".venv/.installed-$(sha256sum requirements.lock | cut -c1-16)"
if [[ ! -f $stamp ]]; then
    echo "Installation des dépendances Python (requirements.lock)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
    rm -f .venv/.installed-*
    touch "$stamp"
fi
