"""The release: what tells one deployed version of the code from another.

Shared-cache keys carry it (settings.CACHES' KEY_PREFIX): after a deploy, a Redis server
shared by the servers holds no fragment rendered by the previous code's templates. It is the
RELEASE setting when the deployer gives one (a tag, a commit), else a digest of the code and
templates themselves: the same on every server that runs the same files, whatever their dates.
"""

import hashlib
from pathlib import Path

# What renders the pages: the apps' code and the templates (the data are versioned apart).
FOLDERS = (
    "essplan",
    "actions",
    "indicators",
    "structures",
    "reports",
    "jobs",
    "publicsite",
    "templates",
)


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt"):
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
