"""The one access policy of Mend.

Three questions, answered only here:
1. May this request reach this view at all?  Every view carries a `Decision` (attached with
   `@decide(...)`, or listed in `EXTERNAL_VIEWS` for views of libraries such as allauth), and
   `mend.core.middleware.AccessPolicyMiddleware` enforces it before the view runs. A view without a decision is refused.
2. Which rows of a model may this user do an action on?  `Model.objects.for_user(user, action)`
   (see `filter_queryset`). Rows of other organisations are never in the scope, so fetching one
   gives 404, never 403: nobody learns that another organisation's record exists.
3. May this user do this action on this object?  `can(user, action, obj)`, with object predicates
   built on `rules`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import rules
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from mend.core.roles import Perm, role_has
from mend.core.scope import current_organisation

if TYPE_CHECKING:
    from mend.core.models import Membership

_V = TypeVar("_V", bound=Callable[..., Any])
_Q = TypeVar("_Q", bound=models.QuerySet[Any])
RowRule = Callable[[Any, Any, str], Any]

# ---------------------------------------------------------------- view decisions


@dataclass(frozen=True)
class Decision:
    """Who may reach a view: `kind` is public, signed_in or member; `perm` narrows member views."""

    kind: str
    perm: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}:{self.perm}" if self.perm else self.kind


PUBLIC = Decision("public")
SIGNED_IN = Decision("signed_in")
MEMBER = Decision("member")
# E-learning pages: any signed-in person; the view itself finds their learner record in the
# organisation named by the URL. Two-step sign-in is optional for learner-only accounts.
LEARNER = Decision("learner")


def requires(perm: str) -> Decision:
    return Decision("member", perm)


def decide(decision: Decision) -> Callable[[_V], _V]:
    """Attach an access decision to a view function (or the result of `View.as_view()`)."""

    def attach(view: _V) -> _V:
        view.mend_access = decision  # type: ignore[attr-defined]
        return view

    return attach


# Views that come from libraries, by URL name. allauth's views do their own sign-in checks; this
# table states our decision so that the policy middleware and the URL x role test know it.
_ALLAUTH_PUBLIC = [
    "account_login",
    "account_logout",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_login_code",
    "account_request_login_code",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_inactive",
    "account_login_code_confirm",
    "account_verify_phone",
    "account_confirm_password_reset_code",
    "account_request_password_reset_code",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_trust",
    "mfa_signup_webauthn",
    "mfa_login_webauthn",
    "account_reset_password_from_key_token",
]
_ALLAUTH_SIGNED_IN = [
    "account_email",
    "account_change_password",
    "account_set_password",
    "account_reauthenticate",
    "account_change_phone",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_add_webauthn",
    "mfa_list_webauthn",
    "mfa_remove_webauthn",
    "mfa_edit_webauthn",
    "mfa_reauthenticate_webauthn",
    "usersessions_list",
]
EXTERNAL_VIEWS: dict[str, Decision] = {
    **dict.fromkeys(_ALLAUTH_PUBLIC, PUBLIC),
    **dict.fromkeys(_ALLAUTH_SIGNED_IN, SIGNED_IN),
}


def decision_for(view_func: Callable[..., Any], url_name: str | None) -> Decision | None:
    decision = getattr(view_func, "mend_access", None)
    if decision is None:
        view_class = getattr(view_func, "view_class", None)
        decision = getattr(view_class, "mend_access", None)
    if decision is None and url_name:
        decision = EXTERNAL_VIEWS.get(url_name)
    return decision if isinstance(decision, Decision) else None


def mfa_required(user: Any) -> bool:
    """Every member needs a second step; a learner-only account (public e-learning sign-up, no
    membership anywhere) may choose to add one."""
    return not (getattr(user, "is_learner_account", False) and not memberships(user))


# ---------------------------------------------------------------- memberships


def memberships(user: Any) -> dict[int, Membership]:
    """The user's active memberships by organisation id (one query, cached on the user)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_mend_memberships", None)
    if cached is None:
        # Through the user's reverse relation, so this module needs no import of core.models
        # (which builds on tenancy, which builds on this module).
        rows = user.memberships(manager="across_organisations").filter(is_active=True)
        cached = {m.organisation_id: m for m in rows.select_related("organisation")}
        user._mend_memberships = cached
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the memberships cached on `user` (after they change)."""
    user.__dict__.pop("_mend_memberships", None)


def role_in(user: Any, organisation: Any) -> str | None:
    if organisation is None:
        return None
    membership = memberships(user).get(organisation.pk)
    return membership.role if membership else None


def has_perm(user: Any, perm: str, organisation: Any = None) -> bool:
    organisation = organisation or current_organisation()
    role = role_in(user, organisation)
    return role is not None and role_has(role, perm)


# ---------------------------------------------------------------- rows


def filter_queryset(queryset: _Q, user: Any, action: str) -> _Q:
    """Rows of `queryset` (already limited to the current organisation) that `user` may `action`."""
    rule = _ROW_RULES.get(queryset.model)
    if rule is not None:
        return rule(queryset, user, action)  # type: ignore[no-any-return]
    if has_perm(user, action):
        return queryset
    return queryset.none()


_ROW_RULES: dict[type[models.Model], RowRule] = {}


def row_rule(model: type[models.Model]) -> Callable[[_V], _V]:
    """Register a row filter for `model` (used when access depends on more than the role):
    `fn(queryset, user, action)` returns the rows of `queryset` that `user` may `action`."""

    def register(fn: _V) -> _V:
        _ROW_RULES[model] = fn
        return fn

    return register


def scoped_rows(model: type[models.Model]) -> models.QuerySet[Any]:
    """Every row of `model` in the current organisation (its tenancy-scoped `objects`, which is
    not always the default manager: some models also keep an unscoped `across_organisations`)."""
    manager = getattr(model, "objects", None) or model._default_manager
    return manager.all()


def get_object_or_404(
    request: HttpRequest,
    source: type[models.Model] | models.QuerySet[Any],
    action: str,
    **lookup: Any,
) -> Any:
    """The object if this user may `action` it; 404 if it is missing, elsewhere or forbidden.

    `source` is a model or a queryset of it (to add `select_related`, annotations or a narrower
    filter); either way the row rule of its model decides which rows the user may reach."""
    queryset = source if isinstance(source, models.QuerySet) else scoped_rows(source)
    model = queryset.model
    try:
        return filter_queryset(queryset, request.user, action).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# ---------------------------------------------------------------- objects


def _is_self(user: Any, membership: Any) -> bool:
    return membership is not None and membership.user_id == user.pk


is_self = rules.predicate(_is_self, name="is_self")


def organisation_of(obj: Any) -> Any:
    """The organisation an object belongs to (an organisation belongs to itself)."""
    if obj is None:
        return current_organisation()
    if getattr(obj, "_meta", None) is not None and obj._meta.label_lower == "core.organisation":
        return obj
    return getattr(obj, "organisation", None)


def _org_perm(perm: str) -> Any:
    def predicate(user: Any, obj: Any) -> bool:
        return has_perm(user, perm, organisation_of(obj))

    return rules.predicate(predicate, name=f"has {perm}")


class ObjectAction:
    """Object-level actions whose rule is more than 'the role has the permission'."""

    DEACTIVATE_MEMBER = "core.deactivate_member"
    CHANGE_ROLE = "core.change_role"


object_rules = rules.RuleSet()
object_rules.add_rule(ObjectAction.DEACTIVATE_MEMBER, _org_perm(Perm.MANAGE_MEMBERS) & ~is_self)
object_rules.add_rule(ObjectAction.CHANGE_ROLE, _org_perm(Perm.MANAGE_MEMBERS) & ~is_self)
for _perm in Perm:
    object_rules.add_rule(_perm.value, _org_perm(_perm.value))


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May `user` do `action` on `obj`? Unknown actions are refused.

    `obj` is an organisation (or None: the current one) for organisation-wide actions, or a
    record. For a record, the role must allow the action in the record's organisation and, when
    its model has a row rule (a case, a session...), the row rule must let the user reach it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not object_rules.rule_exists(action) or not object_rules.test_rule(action, user, obj):
        return False
    if obj is None or getattr(obj, "_meta", None) is None:
        return True
    rule = _ROW_RULES.get(type(obj))
    if rule is None or obj.pk is None:
        return True
    return bool(rule(scoped_rows(type(obj)).filter(pk=obj.pk), user, action).exists())


def require(actor: Any, action: str, obj: Any = None) -> None:
    """The one permission check of an action: refuse unless `can(actor, action, obj)`.

    An action calls this once, before it validates or writes; the helpers it calls trust it."""
    if not can(actor, action, obj):
        raise PermissionDenied(_("Your role does not allow you to do this here."))
