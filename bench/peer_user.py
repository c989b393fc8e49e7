"""The peer's one user: a superuser who is a manager of the first bench organisation.

python -m bench.peer_user EMAIL PASSWORD"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peer_settings")
    import django

    django.setup()
    from mend.core.models import Membership, Organisation, User
    from mend.core.tenancy import unscoped

    email, password = sys.argv[1], sys.argv[2]
    with unscoped():
        organisation = Organisation.objects.order_by("pk").first()
        user = User.objects.filter(email=email).first() or User.objects.create_superuser(
            email, password=password
        )
        Membership.objects.get_or_create(
            organisation=organisation, user=user, defaults={"role": "manager"}
        )


if __name__ == "__main__":
    main()
