"""Loads Qualiopi and EDUFORM from saveit.quality.frameworks_data (numbers are facts)."""

from django.db import migrations


def load(apps, schema_editor):
    from saveit.quality.frameworks_data import all_frameworks

    Framework = apps.get_model("quality", "Framework")
    Criterion = apps.get_model("quality", "Criterion")
    Indicator = apps.get_model("quality", "Indicator")
    for data in all_frameworks():
        framework, _ = Framework.objects.update_or_create(
            code=data["code"], defaults={"title": data["title"], "version": data["version"]}
        )
        for c in data["criteria"]:
            criterion, _ = Criterion.objects.update_or_create(
                framework=framework,
                number=c["number"],
                defaults={"part": c["part"], "reference": c["reference"], "title": c["title"]},
            )
            for i in c["indicators"]:
                Indicator.objects.update_or_create(
                    framework=framework,
                    number=i["number"],
                    defaults={
                        "criterion": criterion,
                        "reference": i["reference"],
                        "title": i["title"],
                        "expected": i["expected"],
                        "evidence_examples": i["evidence_examples"],
                        "applicability": i["applicability"],
                        "major_only": i["major_only"],
                    },
                )


def unload(apps, schema_editor):
    apps.get_model("quality", "Framework").objects.filter(code__in=["qualiopi", "eduform"]).delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
