"""What every page needs to know about the training business: whether to show "Training" in
the navigation, where it leads for this person, and which training links the home page offers."""

from __future__ import annotations

from django.urls import reverse

from mend.core.roles import Perm, role_has


def training(request):
    membership = getattr(request, "membership", None)
    role = membership.role if membership else None

    def has(perm: str) -> bool:
        return bool(role and role_has(role, perm))

    wanted = [
        ("training_home", Perm.VIEW_TRAINING),
        ("training_my_sessions", Perm.DELIVER_TRAINING),
        ("training_modules", Perm.AUTHOR_ELEARNING),
        ("training_dashboard", Perm.VIEW_TRAINING_DASHBOARD),
    ]
    resolved = [(name, reverse(name)) for name, perm in wanted if has(perm)]
    training_root = reverse("training_home")
    return {
        "training_nav_url": resolved[0][1] if resolved else None,
        "training_links": dict(resolved),
        "in_training_section": bool(
            resolved and training_root and request.path.startswith(training_root)
        ),
    }
