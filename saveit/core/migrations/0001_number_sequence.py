# The gap-free counters move from engagements to core: same table, only Django's state moves.

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("engagements", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="NumberSequence",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("series", models.CharField(max_length=8)),
                        ("year", models.PositiveSmallIntegerField()),
                        ("last", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "engagements_invoicesequence",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("series", "year"), name="invoice_sequence_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
