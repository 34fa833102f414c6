# The gap-free counters now belong to core (same table): drop them from this app's state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_number_sequence"),
        ("engagements", "0003_deliverynote_evidencepack"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="InvoiceSequence")],
            database_operations=[],
        ),
    ]
