"""SCORM 1.2 export of a module version snapshot: one deterministic ZIP any LMS can import.

The package holds `imsmanifest.xml` (ADL SCORM 1.2 content packaging), one SCO (`index.html`
with `scorm.js`, `player.js` and `style.css` from `scorm_assets/`) and the files of image and
attachment blocks under `files/<sha256>/<name>`. The SCO shows the lessons, then scores the
assessment in the browser and reports score and status through the SCORM 1.2 run-time API.
The same snapshot and files always give the same bytes (fixed timestamps, sorted entries).
Every sentence comes from gettext (see scorm_text.py), rendered in the package's language.

Resuming (player.js): `cmi.suspend_data` keeps the attempts used and the open attempt,
`cmi.core.lesson_location` the section on screen; exit is "suspend" until the module is finished.

The answer key is not in the page: each right answer is a salted SHA-256 (`answer_hash`), with a
salt per client, module and version, and the player hashes the learner's answer to score it.
This stops reading the answers in the page source, copying them from one package (or one
client) to another, and a search engine or a colleague finding them in clear. It cannot stop a
determined learner: SCORM 1.2 scores in the browser, so anyone can hash each of the few
options of a question (or each order of a few steps) and compare, step through the player in
the developer tools, or call LMSSetValue("cmi.core.score.raw", "100") directly. A score that
must be trusted is the platform's own, scored on the server (saveit.learning); the SCORM score
is what the client's LMS reports. A numeric tolerance too wide to list (over NUMERIC_GRID_CAP
values) stays in clear.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import random
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote, urlsplit

from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from . import scorm_text
from .diff import html_to_text
from .snapshot import family_count, family_key

ASSETS = Path(__file__).resolve().parent / "scorm_assets"
STATIC_FILES = ("player.js", "scorm.js", "style.css")

IMSCP_NS = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP_NS = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (
    "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd "
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
    "http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd"
)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
FILE_KINDS = ("image", "attachment")
SHA256_RE = re.compile(r"[0-9a-f]{64}")

ET.register_namespace("adlcp", ADLCP_NS)
NUMERIC_GRID_CAP = 201  # accepted values hashed one by one for a numeric item with a tolerance


@dataclass(frozen=True)
class PackageContext:
    """Who the package is made for and by: identifiers, licence notice, language."""

    client_name: str = ""
    client_key: str = ""  # stable and unique per client (its slug)
    module_id: int = 0
    provider_name: str = "SAVE IT"
    language: str = "fr"


ET.register_namespace("xsi", XSI_NS)


def _ascii(text: str, allowed: str = r"A-Za-z0-9._-") -> str:
    """Accents dropped, anything outside `allowed` turned into '-', runs of '-' collapsed."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(rf"[^{allowed}]+", "-", plain)
    return re.sub(r"-{2,}", "-", plain).strip("-.")


def scorm_filename(snapshot: Mapping[str, Any]) -> str:
    """`HYG-01-v1.1-scorm12.zip`: ASCII only, safe in a Content-Disposition header."""
    code = _ascii(str(snapshot["module"]["code"]))[:60] or "module"
    version = _ascii(str(snapshot["version"]))[:20] or "0"
    return f"{code}-v{version}-scorm12.zip"


def _identifier(prefix: str, snapshot: Mapping[str, Any], context: PackageContext) -> str:
    """An xs:ID (NCName) unique per client, module and version: two clients' "HYG-01 v1.0"
    never share one, so an LMS that hosts both keeps their tracking apart."""
    code = _ascii(str(snapshot["module"]["code"]), r"A-Za-z0-9_-") or "module"
    version = _ascii(str(snapshot["version"]).replace(".", "-"), r"A-Za-z0-9_-") or "0"
    client = _ascii(context.client_key, r"A-Za-z0-9_-")[:40] or "client"
    return f"{prefix}-SAVEIT-{client}-{code}-v{version}-{_package_digest(snapshot, context)[:8]}"


def _package_digest(snapshot: Mapping[str, Any], context: PackageContext) -> str:
    seed = f"{context.client_key}\x1f{context.module_id}\x1f{snapshot['module']['code']}"
    return hashlib.sha256(f"{seed}\x1f{snapshot['version']}".encode()).hexdigest()


# ---------------------------------------------------------------- files of blocks


def _file_path(block: Mapping[str, Any]) -> str:
    sha256 = str(block.get("sha256") or "")
    if not SHA256_RE.fullmatch(sha256):
        raise ValueError(f"A file block has an invalid SHA-256: {sha256!r}.")
    name = _ascii(str(block.get("name") or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    return f"files/{sha256}/{name[-120:] or _ascii(_('file')) or 'file'}"


def _file_blocks(snapshot: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        block
        for lesson in snapshot.get("lessons", [])
        for block in lesson.get("blocks", [])
        if block.get("kind") in FILE_KINDS
    ]


def missing_files(snapshot: Mapping[str, Any], files: Mapping[str, bytes] | None) -> list[str]:
    """SHA-256 of the files the package would lack (those blocks then show a plain mention)."""
    files = files or {}
    wanted = {str(block.get("sha256") or "") for block in _file_blocks(snapshot)}
    return sorted(sha for sha in wanted if sha not in files)


def _packaged_files(snapshot: Mapping[str, Any], files: Mapping[str, bytes]) -> dict[str, bytes]:
    packaged: dict[str, bytes] = {}
    for block in _file_blocks(snapshot):
        sha256 = str(block.get("sha256") or "")
        content = files.get(sha256)
        if content is None:
            continue
        if hashlib.sha256(content).hexdigest() != sha256:
            raise ValueError(f"The file given for {sha256} does not match its SHA-256.")
        packaged[_file_path(block)] = bytes(content)
    return packaged


# ---------------------------------------------------------------- index.html


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _plain(markup: str) -> str:
    return " ".join(html_to_text(markup).split())


def _size(n: int) -> str:
    """ "12 Ko", "1,5 Mo": Django's translated units, with plain spaces."""
    return str(filesizeformat(n)).replace("\xa0", " ")


def _type_label(block: Mapping[str, Any]) -> str:
    media_type = str(block.get("media_type") or "")
    suffix = str(block.get("name") or "").rsplit(".", 1)
    if len(suffix) == 2 and 1 <= len(suffix[1]) <= 5:
        return suffix[1].upper()
    return media_type.rsplit("/", 1)[-1].upper() or _("File")


def _block_html(block: Mapping[str, Any], packaged: Mapping[str, bytes]) -> str:
    kind = block.get("kind")
    markup = str(block.get("html") or "")
    if kind == "text":
        return f'<div class="block">{markup}</div>'
    if kind == "callout":
        return (
            '<div class="block callout" role="note">'
            f'<p class="callout-label">{_e(_("Key point"))}</p>{markup}</div>'
        )
    if kind == "video":
        url = str(block.get("url") or "")
        if urlsplit(url).scheme not in ("http", "https"):
            return ""
        host = urlsplit(url).hostname or url
        watch = _("Watch the video on %(host)s") % {"host": host}
        return (
            f'<p class="block resource"><span class="tag">{_e(_("Video"))}</span>'
            f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer">{_e(watch)}'
            f'<span class="sr-only"> {_e(_("(new window)"))}</span></a></p>'
        )
    if kind not in FILE_KINDS:
        return ""
    name = str(block.get("name") or _("file"))
    path = _file_path(block)
    if path not in packaged:
        missing = _("“%(name)s” (file not included in this package)") % {"name": name}
        return f'<p class="block resource">{_e(missing)}</p>'
    href = quote(path)
    if kind == "image":
        caption = _plain(markup)
        # The designer's text alternative; snapshots older than it had only a caption or a name.
        alt = str(block.get("alt") or "") or caption
        alt = alt or re.sub(r"[-_]+", " ", name.rsplit(".", 1)[0]).strip()
        figcaption = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
        return f'<figure class="block"><img src="{href}" alt="{_e(alt)}">{figcaption}</figure>'
    details = f"{_type_label(block)}, {_size(len(packaged[path]))}"
    download = _("Download “%(name)s”") % {"name": name}
    return (
        f'<p class="block resource"><span class="tag">{_e(_("Document"))}</span>'
        f'<a href="{href}" download>{_e(download)}</a> '
        f'<span class="source-ref">({_e(details)})</span></p>'
    )


def _minutes(n: int) -> str:
    hours, minutes = divmod(int(n), 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": minutes}
    if not minutes:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": minutes}


def _overview(snapshot: Mapping[str, Any]) -> str:
    parts: list[str] = []
    objectives = [o for o in snapshot.get("objectives", []) if str(o).strip()]
    if objectives:
        items = "".join(f"<li>{_e(o)}</li>" for o in objectives)
        parts.append(f"<h3>{_e(_('Learning objectives'))}</h3><ul>{items}</ul>")
    if str(snapshot.get("prerequisites") or "").strip():
        parts.append(f"<h3>{_e(_('Prerequisites'))}</h3><p>{_e(snapshot['prerequisites'])}</p>")
    rules = snapshot["assessment"]
    months = int(rules["validity_months"])
    facts = [
        (_("Estimated duration"), _minutes(snapshot.get("duration_minutes") or 0)),
        (_("Lessons"), str(len(snapshot.get("lessons", [])))),
        (_("Pass mark"), f"{rules['pass_mark']} %"),
        (_("Validity"), ngettext("%(n)s month", "%(n)s months", months) % {"n": months}),
    ]
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    parts.append(f'<dl class="facts">{rows}</dl>')
    return "\n".join(parts)


def _rules(snapshot: Mapping[str, Any]) -> str:
    rules = snapshot["assessment"]
    count = min(int(rules["items_per_attempt"]), len(snapshot.get("items", [])))
    if not count:
        return ""
    limit = rules.get("time_limit_minutes")
    text = scorm_text.assessment_rules(rules, count, _minutes(limit) if limit else "")
    return f"<p>{_e(text)}</p>"


def _lessons(snapshot: Mapping[str, Any], packaged: Mapping[str, bytes]) -> tuple[str, str]:
    toc: list[str] = []
    sections: list[str] = []
    separator = pgettext("between a lesson number and its title", ": ")
    for number, lesson in enumerate(snapshot.get("lessons", []), start=1):
        anchor = f"lecon-{number}"
        numbered = _("Lesson %(n)s") % {"n": number}
        title = _e(lesson.get("title") or numbered)
        toc.append(f'<li><a href="#{anchor}">{title}</a></li>')
        blocks = "\n".join(_block_html(b, packaged) for b in lesson.get("blocks", []))
        source = lesson.get("source_anchor")
        of_procedure = _("Section %(anchor)s of the procedure") % {"anchor": source}
        reference = f'<p class="source-ref">{_e(of_procedure)}</p>' if source else ""
        sections.append(
            f'<section id="{anchor}" class="card lesson" aria-labelledby="{anchor}-titre">'
            f'<h2 id="{anchor}-titre"><span class="lesson-number">{_e(numbered)}'
            f'<span class="sr-only">{_e(separator)}</span></span>'
            f"{title}</h2>{reference}\n{blocks}</section>"
        )
    return "\n".join(toc), "\n".join(sections)


def _licence(context: PackageContext) -> str:
    client = context.client_name or _("the client")
    sentences = scorm_text.licence_notice(provider=context.provider_name, client=client)
    body = "".join(f"<p>{_e(s)}</p>" for s in sentences)
    return (
        f'<section class="licence" aria-labelledby="licence-titre">'
        f'<h2 id="licence-titre">{_e(_("Licence and intellectual property"))}</h2>{body}</section>'
    )


def _footer(snapshot: Mapping[str, Any], context: PackageContext) -> str:
    return _made_from(snapshot) + _licence(context)


def _made_from(snapshot: Mapping[str, Any]) -> str:
    sources = snapshot.get("sources", [])
    if not sources:
        return f"<p>{_e(_('Module made with SAVE IT.'))}</p>"
    items = "".join(
        "<li>{}</li>".format(
            _e(
                _("%(document)s, version %(label)s")
                % {"document": s["document"], "label": s["version_label"]}
            )
        )
        for s in sources
    )
    return f"<p>{_e(_('Module made with SAVE IT from:'))}</p><ul>{items}</ul>"


def answer_hash(salt: str, key: str, canonical: str) -> str:
    """What the package holds for one right answer instead of the answer itself."""
    return hashlib.sha256(f"{salt}|{key}|{canonical}".encode()).hexdigest()


def _salt(snapshot: Mapping[str, Any], context: PackageContext) -> str:
    """Per package (client, module, version): the same answer hashes differently elsewhere.
    Derived, not random, so that the same snapshot still gives the same bytes."""
    return hashlib.sha256(f"answer-key|{_package_digest(snapshot, context)}".encode()).hexdigest()[
        :32
    ]


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _numeric_key(item: Mapping[str, Any], salt: str) -> dict[str, Any]:
    """The accepted values on the grid of the answer's precision, each hashed: the player
    hashes the floor and the ceiling of the learner's number on that grid, and both must be
    accepted, which is exactly |given - answer| <= tolerance. A range too wide to list is
    left in clear (weaker: said in the module's docstring)."""
    try:
        answer = Decimal(str(item.get("answer")))
        tolerance = abs(Decimal(str(item.get("tolerance") or "0")))
    except InvalidOperation:
        return {"scale": 0, "hashes": []}
    scale = min(6, max(_decimals(answer), _decimals(tolerance)))
    unit = Decimal(10) ** scale
    low, high = int((answer - tolerance) * unit), int((answer + tolerance) * unit)
    if high - low + 1 > NUMERIC_GRID_CAP:
        return {"scale": scale, "low": str(low), "high": str(high)}
    key = str(item["key"])
    return {
        "scale": scale,
        "hashes": [answer_hash(salt, key, str(v)) for v in range(low, high + 1)],
    }


def _choice_key(item: Mapping[str, Any], salt: str) -> dict[str, Any]:
    """Choices and the hash of the right one(s). Ordering steps are stored in the right order
    in the snapshot, so the package shuffles them (never leaving them in order)."""
    key, choices = str(item["key"]), list(item.get("choices") or [])
    correct = [int(i) for i in item.get("correct") or []]
    if item.get("kind") == "ordering":
        order = list(range(len(choices)))
        rng = random.Random(f"{salt}|{key}")
        while len(order) > 1 and order == sorted(order):
            rng.shuffle(order)
        choices = [choices[i] for i in order]
        canonical = ",".join(str(order.index(i)) for i in correct)
    else:
        canonical = ",".join(str(i) for i in sorted(correct))
    return {"choices": choices, "hashes": [answer_hash(salt, key, canonical)]}


def _player_items(items: list[dict[str, Any]], salt: str) -> list[dict[str, Any]]:
    """The items as the player reads them: prompts, choices, families; answers only hashed."""
    return [
        {
            "key": item.get("key"),
            "kind": item.get("kind"),
            # items built from one sentence share a family: an attempt draws one of them
            "family": family_key(item),
            "prompt": item.get("prompt"),
            "unit": item.get("unit") or "",
            "feedback": item.get("feedback") or "",
            "choices": [],
        }
        | (_numeric_key(item, salt) if item.get("kind") == "numeric" else _choice_key(item, salt))
        for item in items
    ]


def _player_data(snapshot: Mapping[str, Any], context: PackageContext) -> str:
    """The JSON the player reads, safe inside <script> (no '<', '>' or '&' left as such):
    the assessment without its answers in clear, and every sentence the player shows."""
    rules = snapshot["assessment"]
    families = family_count(snapshot.get("items", []))
    drawn = min(int(rules["items_per_attempt"]), families)  # one item per family
    salt = _salt(snapshot, context)
    data = {
        "text": scorm_text.player_templates(),
        "counted": scorm_text.player_counted(rules, drawn),
        "salt": salt,
        "assessment": {
            name: rules.get(name)
            for name in ("items_per_attempt", "randomise", "pass_mark", "max_attempts")
        }
        | {"time_limit_minutes": rules.get("time_limit_minutes")},
        "items": _player_items(snapshot.get("items", []), salt),
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _index_html(
    snapshot: Mapping[str, Any], packaged: Mapping[str, bytes], context: PackageContext
) -> str:
    module = snapshot["module"]
    title = str(snapshot.get("title") or module["title"])
    summary = str(snapshot.get("summary") or "").strip()
    toc, lessons = _lessons(snapshot, packaged)
    template = Template((ASSETS / "index.html").read_text(encoding="utf-8"))
    labels = {name: _e(text) for name, text in scorm_text.page_labels().items()}
    eyebrow = _("Module %(code)s · version %(version)s") % {
        "code": module["code"],
        "version": snapshot["version"],
    }
    return template.substitute(
        labels,
        lang=_e(translation.get_language() or "fr"),
        page_title=_e(f"{title} · {module['code']} v{snapshot['version']}"),
        eyebrow=_e(eyebrow),
        title=_e(title),
        summary=f'<p class="lead">{_e(summary)}</p>' if summary else "",
        toc=toc,
        overview=_overview(snapshot),
        lessons=lessons,
        rules=_rules(snapshot),
        footer=_footer(snapshot, context),
        data=_player_data(snapshot, context),
    )


# ---------------------------------------------------------------- imsmanifest.xml


def _manifest(snapshot: Mapping[str, Any], hrefs: list[str], context: PackageContext) -> bytes:
    """imsmanifest.xml. IMS CP elements are written unprefixed under a literal default `xmlns`
    (ElementTree's default_namespace refuses unprefixed attributes such as `identifier`)."""

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, tag, attrs)
        node.text = text
        return node

    adl = f"{{{ADLCP_NS}}}"
    title = str(snapshot.get("title") or snapshot["module"]["title"])
    org_id = _identifier("ORG", snapshot, context)
    res_id = _identifier("RES", snapshot, context)
    manifest = ET.Element(
        "manifest",
        {
            "identifier": _identifier("MANIFEST", snapshot, context),
            "version": str(snapshot["version"]),
            "xmlns": IMSCP_NS,
            f"{{{XSI_NS}}}schemaLocation": SCHEMA_LOCATION,
        },
    )
    metadata = sub(manifest, "metadata")
    sub(metadata, "schema", "ADL SCORM")
    sub(metadata, "schemaversion", "1.2")
    organizations = sub(manifest, "organizations", default=org_id)
    organization = sub(organizations, "organization", identifier=org_id)
    sub(organization, "title", title)
    item = sub(
        organization,
        "item",
        identifier=_identifier("ITEM", snapshot, context),
        identifierref=res_id,
        isvisible="true",
    )
    sub(item, "title", title)
    sub(item, f"{adl}masteryscore", str(int(snapshot["assessment"]["pass_mark"])))
    resource = sub(
        sub(manifest, "resources"),
        "resource",
        identifier=res_id,
        type="webcontent",
        href="index.html",
        **{f"{adl}scormtype": "sco"},
    )
    for href in hrefs:
        sub(resource, "file", href=quote(href))
    ET.indent(manifest)
    return ET.tostring(manifest, encoding="UTF-8", xml_declaration=True)


# ---------------------------------------------------------------- the package


def build_scorm_package(
    snapshot: dict[str, Any],
    files: Mapping[str, bytes] | None = None,
    *,
    language: str | None = None,
    context: PackageContext | None = None,
) -> bytes:
    """The SCORM 1.2 ZIP of a snapshot; `files` maps the SHA-256 of file blocks to their bytes.

    Files missing from `files` are left out (their blocks say so, see `missing_files`); bytes that
    do not hash to their key raise ValueError. The text is in `language` (French: the learners'
    language), whatever the language of the request.
    """
    context = context or PackageContext()
    with translation.override(language or context.language):
        return _package(snapshot, files or {}, context)


def _package(
    snapshot: dict[str, Any], files: Mapping[str, bytes], context: PackageContext
) -> bytes:
    packaged = _packaged_files(snapshot, files)
    entries: dict[str, bytes] = {
        "index.html": _index_html(snapshot, packaged, context).encode("utf-8"),
        **{name: (ASSETS / name).read_bytes() for name in STATIC_FILES},
        **packaged,
    }
    entries["imsmanifest.xml"] = _manifest(snapshot, sorted(entries), context)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, entries[name], compresslevel=6)
    return buffer.getvalue()
