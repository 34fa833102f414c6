"""The QR mask chosen at issue, stored so that renders skip the search; existing rows get theirs."""

from django.db import migrations, models


def choose_masks(apps, schema_editor):  # type: ignore[no-untyped-def]
    from saveit.certificates.pdf_data import best_qr_mask

    Attestation = apps.get_model("certificates", "Attestation")
    pending = Attestation.objects.filter(qr_mask__isnull=True).only("pk", "facts")
    for attestation in pending.iterator(chunk_size=2000):
        attestation.qr_mask = best_qr_mask(attestation.facts["verify_url"])
        attestation.save(update_fields=["qr_mask"])


class Migration(migrations.Migration):
    dependencies = [("certificates", "0003_revocation_date_label")]

    operations = [
        migrations.AddField(
            model_name="attestation",
            name="qr_mask",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(choose_masks, migrations.RunPython.noop),
    ]
