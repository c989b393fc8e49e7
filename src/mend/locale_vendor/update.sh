#!/usr/bin/env bash
# Refresh src/mend/locale_vendor/cy/LC_MESSAGES/django.po from the installed django-allauth
# (and Django's password validators).
#
# Only the allauth sources whose strings people can see on Mend's pages are extracted: the forms,
# adapters and flash messages of allauth.account, allauth.mfa and allauth.usersessions. Pages that
# Mend overrides (src/mend/templates/{account,mfa,usersessions}) use Mend's own msgids instead, which
# live in src/mend/locale. Existing Welsh translations are kept (msgmerge); new msgids arrive empty
# and must be translated before `tests/core/test_welsh.py` passes again.
#
# Run from the repository root:  bash src/mend/locale_vendor/update.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
site="$("$repo/.venv/bin/python" -c 'import allauth, os; print(os.path.dirname(os.path.dirname(allauth.__file__)))')"
po="$repo/src/mend/locale_vendor/cy/LC_MESSAGES/django.po"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Paths inside site-packages. Django's password validators are here too: Django's own Welsh
# catalogue leaves them untranslated, and they show on the password pages.
sources=(
  allauth/account/adapter.py
  allauth/account/fields.py
  allauth/account/forms.py
  allauth/mfa/adapter.py
  allauth/mfa/base/forms.py
  allauth/mfa/recovery_codes/forms.py
  allauth/mfa/totp/forms.py
  allauth/mfa/webauthn/forms.py
  allauth/templates/account/messages
  allauth/templates/mfa/messages
  allauth/templates/usersessions/messages
  allauth/templates/account/password_set.html
  django/contrib/auth/password_validation.py
)
mkdir -p "$work/locale"
for source in "${sources[@]}"; do
  mkdir -p "$work/$(dirname "$source")"
  cp -r "$site/$source" "$work/$source"
done
# Without DJANGO_SETTINGS_MODULE, makemessages writes to ./locale of the temporary tree.
(cd "$work" && env -u DJANGO_SETTINGS_MODULE "$repo/.venv/bin/django-admin" makemessages -l cy --no-obsolete --no-wrap >/dev/null)
if [ -f "$po" ]; then
  msgmerge --quiet --no-fuzzy-matching --no-wrap --update --backup=none "$po" "$work/locale/cy/LC_MESSAGES/django.po"
  msgattrib --no-obsolete --no-wrap -o "$po" "$po"
else
  cp "$work/locale/cy/LC_MESSAGES/django.po" "$po"
fi
# Our corrections to Django's own Welsh (for example the spelling of July), which Django's
# catalogue would otherwise give; they are msgids the extraction above never produces.
msgcat --use-first --no-wrap -o "$po" "$po" "$(dirname "$po")/../corrections.po"
msgfmt --statistics -o /dev/null "$po"
