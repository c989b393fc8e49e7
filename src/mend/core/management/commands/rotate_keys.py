from argparse import ArgumentParser
from typing import Any

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction

from mend.core import audit
from mend.core.fields import (
    PREFIX,
    decrypt_text,
    encrypt_text,
    encrypted_fields,
    is_current_key,
)


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the newest key in MEND_FIELD_KEYS. Run after adding "
        "a new key at the front of the list; then the old keys can be removed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        self.unreadable: list[str] = []
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if fields:
                rotated = self._rotate_model(model, fields, batch_size)
                self.stdout.write(f"{model._meta.label}: {rotated} row(s) re-encrypted")
                total += rotated
        totp = self._rotate_totp_secrets()
        self.stdout.write(f"mfa.Authenticator (TOTP secrets): {totp} row(s) re-encrypted")
        total += totp
        audit.record(audit.Action.KEYS_ROTATED, changes={"rows": total})
        if self.unreadable:
            raise CommandError(
                f"{len(self.unreadable)} value(s) could not be decrypted with any key in "
                f"MEND_FIELD_KEYS and were left as they are: {', '.join(self.unreadable[:20])}. "
                "Put back the key they were written with, then run rotate_keys again."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Key rotation finished: {total} row(s) re-encrypted.")
        )

    def _rotate_totp_secrets(self) -> int:
        rotated = 0
        for authenticator in Authenticator.objects.filter(type=Authenticator.Type.TOTP).iterator():
            secret = authenticator.data.get("secret", "")
            if secret.startswith(PREFIX) and is_current_key(secret):
                continue
            try:
                plain = decrypt_text(secret) if secret.startswith(PREFIX) else secret
            except ImproperlyConfigured:
                self.unreadable.append(f"mfa.Authenticator {authenticator.pk}")
                continue
            authenticator.data["secret"] = encrypt_text(plain)
            Authenticator.objects.filter(pk=authenticator.pk).update(data=authenticator.data)
            rotated += 1
        return rotated

    def _rotate_model(
        self,
        model: type[models.Model],
        fields: list[models.Field[Any, Any]],
        batch_size: int,
    ) -> int:
        """Walk the table by primary key, reading stored tokens, re-writing stale ones."""
        qn = connection.ops.quote_name
        table, pk_column = qn(model._meta.db_table), qn(model._meta.pk.column)
        columns = ", ".join(qn(f.column) for f in fields)
        manager, rotated, last_pk = model._base_manager, 0, None
        while True:
            where = f"WHERE {pk_column} > %s " if last_pk is not None else ""
            sql = f"SELECT {pk_column}, {columns} FROM {table} {where}ORDER BY {pk_column} LIMIT %s"  # noqa: S608
            with connection.cursor() as cursor:
                cursor.execute(sql, ([last_pk] if last_pk is not None else []) + [batch_size])
                rows = cursor.fetchall()
            if not rows:
                return rotated
            with transaction.atomic():
                for pk, *stored in rows:
                    stale = [
                        f
                        for f, value in zip(fields, stored, strict=True)
                        if value and not is_current_key(value)
                    ]
                    if stale:
                        try:
                            obj = manager.get(pk=pk)
                        except ImproperlyConfigured:
                            self.unreadable.append(f"{model._meta.label} {pk}")
                            continue
                        # Saving the decrypted value encrypts it again under the newest key.
                        manager.filter(pk=pk).update(
                            **{f.name: getattr(obj, f.name) for f in stale}
                        )
                        rotated += 1
            last_pk = rows[-1][0]
