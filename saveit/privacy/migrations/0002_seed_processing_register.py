from django.db import migrations


def seed(apps, schema_editor):
    from saveit.privacy.register_seed import seed_register

    seed_register(apps.get_model("privacy", "ProcessingActivity"))


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
