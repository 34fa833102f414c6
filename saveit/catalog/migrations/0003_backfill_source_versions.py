"""Tell existing lessons, blocks and items which source document their anchors point into.

Until now an anchor alone ("s-4") named a section, whatever the procedure. Each row now gets
the document version of its module version whose outline holds its anchors; a block takes its
lesson's document when that one holds its anchor. Where several documents hold an anchor, the
order of creation decides: proposals were created document after document, each in its outline
order, so an anchor earlier in the outline than the previous row's means the next document.
Image blocks get a text alternative from their file name.

Drafts also get their SourceLink anchors recomputed from their content. Submitted versions keep
theirs: they are part of the frozen, hashed snapshot the client reviewed (format 1), and the
outdated flags now read the rows, not these lists.
"""

import re

from django.db import migrations


def _outline_anchors(document_version):
    outline = document_version.outline or {}
    return [section["anchor"] for section in outline.get("sections", [])]


def _alt_from_name(name):
    stem = (name or "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[-_]+", " ", stem).strip()[:300]


def backfill(apps, schema_editor):
    ModuleVersion = apps.get_model("catalog", "ModuleVersion")
    for version in ModuleVersion.objects.all().iterator():
        links = list(
            version.source_links.select_related("document_version").order_by("pk")
        )
        known = [(link, _outline_anchors(link.document_version)) for link in links]

        class Walker:
            """Follows rows in creation order through the documents, as they were proposed."""

            def __init__(self):
                self.current, self.last = 0, -1

            def resolve(self, anchors, prefer=None):
                anchors = [a for a in anchors if a]
                if not anchors:
                    return None
                holders = [i for i, (_l, outline) in enumerate(known) if set(anchors) <= set(outline)]
                if not holders:
                    return None
                if prefer is not None:
                    for i in holders:
                        if known[i][0].document_version_id == prefer:
                            return prefer
                position = known[self.current][1].index(anchors[0]) if self.current in holders else -1
                if self.current in holders and position >= self.last:
                    chosen = self.current
                else:
                    later = [i for i in holders if i > self.current]
                    chosen = later[0] if later else holders[0]
                self.current = chosen
                self.last = known[chosen][1].index(anchors[0])
                return known[chosen][0].document_version_id

        used = {link.document_version_id: set() for link in links}
        lessons = Walker()
        for lesson in version.lessons.order_by("pk"):
            lesson.source_version_id = lessons.resolve([lesson.source_anchor])
            lesson.save(update_fields=["source_version"])
            if lesson.source_version_id:
                used[lesson.source_version_id].add(lesson.source_anchor)
            blocks = Walker()
            for block in lesson.blocks.order_by("pk"):
                block.source_version_id = blocks.resolve(
                    [block.source_anchor], lesson.source_version_id
                )
                if block.kind == "image" and not block.alt:
                    block.alt = _alt_from_name(block.name)
                block.save(update_fields=["source_version", "alt"])
                if block.source_version_id:
                    used[block.source_version_id].add(block.source_anchor)
        items = Walker()
        for item in version.items.order_by("pk"):
            item.source_version_id = items.resolve(list(item.source_anchors or []))
            item.save(update_fields=["source_version"])
            if item.source_version_id:
                used[item.source_version_id].update(item.source_anchors)
        if version.status == "draft":
            for link, outline in known:
                mine = used.get(link.document_version_id, set())
                link.anchors = [anchor for anchor in outline if anchor in mine]
                link.save(update_fields=["anchors"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_block_alt_and_source_versions"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
