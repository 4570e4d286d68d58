import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction

from essplan import roles

DEMO_ACCOUNTS = [
    # username, first name, last name, role, staff (Django admin access)
    ("admin", "Alice", "Administratrice", roles.ADMIN, True),
    ("editeur", "Émile", "Équipe ESS", roles.EDITOR, False),
    ("comite", "Camille", "Comité de suivi", roles.VIEWER, False),
    ("pilote", "Paul", "Pilote", roles.PILOT, False),
]
PASSWORDS_FILE = Path(settings.BASE_DIR) / "var" / "demo-accounts.json"


class Command(BaseCommand):
    help = (
        "Crée un compte de démonstration par rôle et affiche les identifiants. "
        "Les mots de passe, tirés au hasard à la création, sont conservés dans "
        "var/demo-accounts.json pour être réaffichés."
    )

    @transaction.atomic
    def handle(self, *args: str, **options: Any) -> None:
        known = json.loads(PASSWORDS_FILE.read_text()) if PASSWORDS_FILE.exists() else {}
        self.stdout.write("Comptes de démonstration :")
        for username, first, last, role, staff in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "is_staff": staff,
                    "email": f"{username}@essplan.invalid",
                },
            )
            if not user.email:
                user.email = f"{username}@essplan.invalid"
                user.save(update_fields=["email"])
            if created or username not in known:
                known[username] = secrets.token_urlsafe(12)
                user.set_password(known[username])
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            self.stdout.write(
                f"  {role:<16} identifiant {username:<8} mot de passe {known[username]}"
            )
        PASSWORDS_FILE.parent.mkdir(parents=True, exist_ok=True)
        PASSWORDS_FILE.write_text(json.dumps(known, indent=2))
        PASSWORDS_FILE.chmod(0o600)
