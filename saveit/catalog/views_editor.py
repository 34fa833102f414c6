"""The version page: the designer edits a draft; everyone allowed reads a frozen version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.core.actions import act
from saveit.core.confirm import confirmation_page, is_confirmed
from saveit.core.errors import Refusal

from . import selectors, services
from .forms import BlockEditForm, BlockForm, ItemForm, LessonForm, SettingsForm
from .models import Block, Lesson, ModuleVersion
from .permissions import access_version, can_design, can_review
from .richtext import RichTextWidget
from .services.modules import SETTINGS_FIELDS


def _designer_version(request: HttpRequest, version_id: int) -> tuple[Any, ModuleVersion]:
    member = acting_member(request)
    version = access_version(member, version_id)
    if not can_design(member):
        raise Http404
    return member, version


def _done(
    request: HttpRequest,
    version: ModuleVersion,
    action: Callable[[], Any],
    ok: str,
    anchor: str = "",
) -> HttpResponse:
    return act(request, action, ok, f"{_url(version)}{anchor}")


def _url(version: ModuleVersion) -> str:
    from django.urls import reverse

    return reverse("catalog:version", args=[version.pk])


@login_required
def version_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    member = acting_member(request)
    return _page(request, member, access_version(member, version_id))


def _page(
    request: HttpRequest,
    member: Any,
    version: ModuleVersion,
    bound: dict[Any, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The version page. `bound`: forms refused on a save, shown again with what was typed
    (keys: settings_form, lesson_form, item_form, or ("block", id), ("new_block", lesson_id),
    ("item", id)); the page opens at the refused form."""
    engagement = version.module.engagement
    designer = can_design(member)
    editable = designer and version.status == ModuleVersion.Status.DRAFT
    sections = selectors.source_sections(version)
    lessons = list(version.lessons.prefetch_related("blocks"))
    items = list(version.items.all())
    bound = bound or {}
    context: dict[str, Any] = {
        "version": version,
        "module": version.module,
        "engagement": engagement,
        "lessons": lessons,
        "items": items,
        "editable": editable,
        "designer": designer,
        "reviewer": can_review(member, engagement),
        "sections": dict(sections),
        "links": version.source_links.select_related("document_version__source"),
        "others": selectors.versions_visible_to(member)
        .filter(module=version.module)
        .exclude(pk=version.pk),
        "unreviewed": selectors.proposal_keys(version),
        "check": selectors.assessment_check(version, items),
        "comments": version.comments.select_related("author__user"),
        "learner_questions": {
            item.pk: selectors.learner_question(item, number)
            for number, item in enumerate(items, start=1)
        },
    }
    if editable:
        context |= {
            "editor_media": RichTextWidget().media,
            "settings_form": bound.get("settings_form")
            or SettingsForm(
                initial={name: getattr(version, name) for name in SETTINGS_FIELDS}
                | {"objectives": "\n".join(version.objectives)}
            ),
            "lesson_form": bound.get("lesson_form") or LessonForm(sections=sections),
            # One form per lesson and block: field ids stay unique on the page.
            "block_forms": {
                lesson.pk: bound.get(("new_block", lesson.pk))
                or BlockForm(auto_id=f"l{lesson.pk}-%s")
                for lesson in lessons
            },
            "block_edit_forms": {
                block.pk: bound.get(("block", block.pk))
                or BlockEditForm(
                    initial={"html": block.html, "url": block.url, "alt": block.alt},
                    prefix=f"b{block.pk}",
                    kind=block.kind,
                )
                for lesson in lessons
                for block in lesson.blocks.all()
            },
            "item_form": bound.get("item_form") or ItemForm(sections=sections),
            "item_forms": {
                item.pk: bound.get(("item", item.pk))
                or ItemForm(
                    initial=ItemForm.initial_for(item), sections=sections, prefix=f"i{item.pk}"
                )
                for item in items
            },
        }
    if editable:  # deletions the designer may still undo (trash.UNDO_WINDOW)
        context["undoable"] = services.undoable(version)
    return render(request, "catalog/version_detail.html", context, status=status)


def _save(
    request: HttpRequest,
    member: Any,
    version: ModuleVersion,
    form: Any,
    key: Any,
    action: Callable[[], Any],
    ok: str,
    anchor: str = "",
) -> HttpResponse:
    """An invalid form or a refused save shows the page again with what was typed (400 or the
    refusal's status); a save that went through redirects to the page as before."""
    if not form.is_valid():
        messages.error(request, _("Nothing is saved: correct the fields marked below."))
        return _page(request, member, version, {key: form}, status=400)
    try:
        action()
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return _page(request, member, version, {key: form}, status=refusal.status)
    messages.success(request, ok)
    return redirect(f"{_url(version)}{anchor}")


@login_required
@require_POST
def settings_save(request: HttpRequest, version_id: int) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    form = SettingsForm(request.POST)
    return _save(
        request,
        member,
        version,
        form,
        "settings_form",
        lambda: services.update_settings(version=version, by=member, data=form.to_input()),
        _("The settings are saved."),
    )


@login_required
@require_POST
def lesson_save(
    request: HttpRequest, version_id: int, lesson_id: int | None = None
) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    form = LessonForm(request.POST, sections=selectors.source_sections(version))
    return _save(
        request,
        member,
        version,
        form,
        ("lesson", lesson_id) if lesson_id else "lesson_form",
        lambda: services.save_lesson(
            version=version, by=member, data=form.to_input(), lesson_id=lesson_id
        ),
        _("The lesson is saved."),
        f"#lesson-{lesson_id}" if lesson_id else "",
    )


@login_required
@require_POST
def lesson_delete(request: HttpRequest, version_id: int, lesson_id: int) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    if not is_confirmed(request):
        lesson = Lesson.objects.filter(version=version, pk=lesson_id).first()
        if lesson is None:
            raise Http404
        return _confirm_deletion(
            request,
            version,
            _("Delete the lesson"),
            ngettext(
                "The lesson “%(title)s” and its %(n)s content will be removed from version "
                "%(label)s; learners will never see them.",
                "The lesson “%(title)s” and its %(n)s contents will be removed from version "
                "%(label)s; learners will never see them.",
                n := lesson.blocks.count(),
            )
            % {"title": lesson.title, "n": n, "label": version.label},
            f"#lesson-{lesson.pk}",
        )
    return _done(
        request,
        version,
        lambda: services.delete_lesson(version=version, by=member, lesson_id=lesson_id),
        _("The lesson is deleted."),
    )


@login_required
@require_POST
def lesson_move(request: HttpRequest, version_id: int, lesson_id: int) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    direction = request.POST.get("direction", "")
    return _done(
        request,
        version,
        lambda: services.move_lesson(
            version=version, by=member, lesson_id=lesson_id, direction=direction
        ),
        _("The lesson is moved."),
        f"#lesson-{lesson_id}",
    )


@login_required
@require_POST
def block_save(request: HttpRequest, version_id: int, lesson_id: int) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    form = BlockForm(request.POST, request.FILES, auto_id=f"l{lesson_id}-%s")
    return _save(
        request,
        member,
        version,
        form,
        ("new_block", lesson_id),
        lambda: services.save_block(
            version=version, by=member, lesson_id=lesson_id, data=form.to_input()
        ),
        _("The content is added."),
        f"#lesson-{lesson_id}",
    )


@login_required
@require_POST
def block_edit(request: HttpRequest, version_id: int, block_id: int) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    block = _block_of(version, block_id)
    form = BlockEditForm(request.POST, request.FILES, prefix=f"b{block_id}", kind=block.kind)
    return _save(
        request,
        member,
        version,
        form,
        ("block", block_id),
        lambda: services.save_block(
            version=version, by=member, block_id=block_id, data=form.to_input(block.kind)
        ),
        _("The content is saved."),
        f"#block-{block_id}",
    )


@login_required
@require_POST
def block_move(request: HttpRequest, version_id: int, block_id: int) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    direction = request.POST.get("direction", "")
    return _done(
        request,
        version,
        lambda: services.move_block(
            version=version, by=member, block_id=block_id, direction=direction
        ),
        _("The content is moved."),
        f"#block-{block_id}",
    )


def _block_of(version: ModuleVersion, block_id: int) -> Block:
    """Same 404 for a block of another version as for one that does not exist."""
    block = Block.objects.filter(lesson__version=version, pk=block_id).first()
    if block is None:
        raise Http404
    return block


@login_required
@require_POST
def block_delete(request: HttpRequest, version_id: int, block_id: int) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    if not is_confirmed(request):
        block = _block_of(version, block_id)
        return _confirm_deletion(
            request,
            version,
            _("Delete this content"),
            _(
                "This content (%(kind)s) will be removed from the lesson “%(title)s” of "
                "version %(label)s."
            )
            % {
                "kind": block.get_kind_display(),
                "title": block.lesson.title,
                "label": version.label,
            },
            f"#lesson-{block.lesson_id}",
        )
    return _done(
        request,
        version,
        lambda: services.delete_block(version=version, by=member, block_id=block_id),
        _("The content is deleted."),
    )


@login_required
@require_POST
def item_save(request: HttpRequest, version_id: int, item_id: int | None = None) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    prefix = f"i{item_id}" if item_id else None
    form = ItemForm(request.POST, sections=selectors.source_sections(version), prefix=prefix)
    return _save(
        request,
        member,
        version,
        form,
        ("item", item_id) if item_id else "item_form",
        lambda: services.save_item(
            version=version, by=member, data=form.to_input(), item_id=item_id
        ),
        _("The question is saved."),
        f"#item-{item_id}" if item_id else "#items",
    )


@login_required
@require_POST
def item_delete(request: HttpRequest, version_id: int, item_id: int) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    if not is_confirmed(request):
        item = version.items.filter(pk=item_id).first()
        if item is None:
            raise Http404
        return confirmation_page(
            request,
            title=_("Delete the question"),
            eyebrow=f"{version.module.code} · {version.label}",
            consequence=_(
                "The question “%(prompt)s” will be removed from the item bank of this version."
            )
            % {"prompt": item.prompt[:120]},
            action=_("Delete the question"),
            back=f"{_url(version)}#item-{item.pk}",
        )
    return _done(
        request,
        version,
        lambda: services.delete_item(version=version, by=member, item_id=item_id),
        _("The question is deleted."),
        "#items",
    )


@login_required
@require_POST
def proposals_accept(request: HttpRequest, version_id: int) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    keys = request.POST.getlist("key")
    return _done(
        request,
        version,
        lambda: services.accept_proposals(version=version, by=member, keys=keys),
        _("Accepted as proposed."),
    )


@login_required
@require_POST
def version_submit(request: HttpRequest, version_id: int) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Submit to the client"),
            eyebrow=f"{version.module.code} · {version.label}",
            consequence=_(
                "Version %(label)s will be frozen and sent to the client for review: nobody can "
                "change it any more; a correction will need a new version."
            )
            % {"label": version.label},
            action=_("Submit to the client"),
            note=_("This cannot be undone."),
            back=_url(version),
        )
    return _done(
        request,
        version,
        lambda: services.submit_version(version=version, by=member),
        _("The version is submitted to the client: it can no longer change."),
    )


@login_required
@require_POST
def version_new(request: HttpRequest, version_id: int) -> HttpResponse:
    member, version = _designer_version(request, version_id)
    try:
        copy = services.create_version(
            version=version, by=member, major=request.POST.get("major") == "1"
        )
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect(_url(version))
    messages.success(request, _("Version %(label)s is created as a draft.") % {"label": copy.label})
    return redirect(_url(copy))


def _confirm_deletion(
    request: HttpRequest, version: ModuleVersion, title: str, consequence: str, anchor: str
) -> HttpResponse:
    return confirmation_page(
        request,
        title=title,
        eyebrow=f"{version.module.code} · {version.label}",
        consequence=consequence,
        action=title,
        back=f"{_url(version)}{anchor}",
        note=_("You can undo this deletion for ten minutes from the version page."),
    )


@login_required
@require_POST
def deletion_undo(request: HttpRequest, version_id: int, deleted_id: int) -> HttpResponse:
    """Undo a deletion of draft content within UNDO_WINDOW; later, a clear refusal."""
    member, version = _designer_version(request, version_id)
    return _done(
        request,
        version,
        lambda: services.restore_deleted(version=version, by=member, deleted_id=deleted_id),
        _("The deletion is undone: the content is back in its place."),
    )
