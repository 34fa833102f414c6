"""Recovery codes kept in clear by django-otp's StaticToken become hashed RecoveryCodes."""

from django.contrib.auth.hashers import make_password
from django.db import migrations


def hash_clear_codes(apps, schema_editor):  # type: ignore[no-untyped-def]
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    RecoveryCodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    for old in StaticDevice.objects.filter(name="recovery"):
        device, _created = RecoveryCodeDevice.objects.get_or_create(
            user_id=old.user_id, name="recovery", defaults={"confirmed": old.confirmed}
        )
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, digest=make_password(token.token))
            for token in old.token_set.all()
        )
        old.delete()  # its tokens, in clear, go with it


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_recovery_code_device"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_clear_codes, migrations.RunPython.noop)]
