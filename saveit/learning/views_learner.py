"""The learner's side: sign-in by link, "Mes formations", the lesson reader, the assessment."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.middleware import SESSION_KEY
from saveit.accounts.models import User
from saveit.accounts.permissions import acting_member
from saveit.catalog.models import Block
from saveit.catalog.snapshot import snapshot_of
from saveit.core.errors import Refusal
from saveit.core.fragments import Fragments
from saveit.core.request_context import current_origin

from . import selectors
from .assessment import FIELD_PREFIX
from .context_processors import header_of
from .forms import LinkRequestForm, PasswordForm
from .models import Attempt
from .permissions import access_own_assignment, access_own_attempt
from .services import access, attempts, progress
from .services.attempts import attempts_left, drawn_items


def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); POST spends the link and signs in."""
    if request.method == "POST":
        try:
            user, membership = access.use_sign_in_link(token=token, ip=current_origin().ip)
        except Refusal as refusal:
            return render(
                request, "learning/link_invalid.html", {"message": refusal.message}, status=410
            )
        login(request, user, backend="saveit.accounts.backends.ModelBackend")
        request.session[SESSION_KEY] = membership.pk
        if not user.has_usable_password():
            messages.info(request, _("Welcome. You may choose a password for your next visits."))
        return redirect("learning:my_trainings")
    return render(request, "learning/link_confirm.html", {"token": token})


def link_request(request: HttpRequest) -> HttpResponse:
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        access.resend_link(email=form.cleaned_data["email"], ip=current_origin().ip)
        messages.success(  # the same answer whatever happened: it tells nobody who is known
            request,
            _(
                "If this address has trainings to follow, a sign-in link is on its way to it. "
                "A new one may be asked for every %(minutes)s minutes."
            )
            % {"minutes": settings.SIGN_IN_LINK_RESEND_MINUTES},
        )
        return redirect("learning:link_request")
    return render(request, "learning/link_request.html", {"form": form})


@login_required
def set_password(request: HttpRequest) -> HttpResponse:
    """A first password after signing in by link; changing one asks for the current one."""
    user = cast(User, request.user)  # login_required
    needs_current = user.has_usable_password()
    form = PasswordForm(request.POST or None, needs_current=needs_current)
    if request.method == "POST" and form.is_valid():
        try:
            validate_password(form.cleaned_data["password"], user)
        except ValidationError as error:
            form.add_error("password", error)
        else:
            try:
                access.set_own_password(
                    user=user,
                    password=form.cleaned_data["password"],
                    current_password=form.cleaned_data.get("current_password"),
                    by=acting_member(request),
                )
            except Refusal as refusal:
                form.add_error("current_password" if needs_current else None, refusal.message)
            else:
                update_session_auth_hash(request, user)
                messages.success(request, _("Your password is saved."))
                return redirect("learning:my_trainings")
    return render(request, "learning/password.html", {"form": form, "needs_current": needs_current})


def _progress(assignment, snapshot) -> int:
    total = len(snapshot["lessons"]) + 1
    done = len(set(assignment.lessons_read)) + (1 if assignment.status == "passed" else 0)
    return round(100 * done / total)


@login_required
def my_trainings(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    rows = []
    assignments = selectors.my_assignment_list(member.user_id, member.organization_id)
    for assignment in assignments:
        snapshot = snapshot_of(assignment.module_version)
        rows.append(
            {
                "assignment": assignment,
                "progress": _progress(assignment, snapshot),
                "overdue": assignment.is_overdue(),
                "attestation": getattr(assignment, "attestation", None),
            }
        )
    header = header_of(assignments[0].learner) if assignments else {}
    return render(request, "learning/my_trainings.html", {"rows": rows, **header})


@login_required
def training(request: HttpRequest, assignment_id: int) -> HttpResponse:
    member = acting_member(request)
    assignment = access_own_assignment(member, assignment_id, with_attestation=True)
    snapshot = snapshot_of(assignment.module_version)
    keys = [lesson["key"] for lesson in snapshot["lessons"]]
    resume = assignment.last_lesson_key if assignment.last_lesson_key in keys else None
    unread = [k for k in keys if k not in assignment.lessons_read]
    attempts_of = selectors.attempt_list(assignment)
    return render(
        request,
        "learning/training.html",
        {
            "assignment": assignment,
            "snapshot": snapshot,
            "resume": resume or (unread[0] if unread else keys[0] if keys else None),
            "progress": _progress(assignment, snapshot),
            "attempts": attempts_of,
            "attempts_left": attempts_left(assignment),
            "open_attempt": next((a for a in attempts_of if a.status == Attempt.Status.OPEN), None),
            "attestation": getattr(assignment, "attestation", None),
            **header_of(assignment.learner),
        },
    )


@login_required
def lesson(request: HttpRequest, assignment_id: int, key: str) -> HttpResponse:
    member = acting_member(request)
    assignment = access_own_assignment(member, assignment_id)
    snapshot = snapshot_of(assignment.module_version)
    lessons = snapshot["lessons"]
    index = next((i for i, lesson in enumerate(lessons) if lesson["key"] == key), None)
    if index is None:
        raise Http404
    if request.method == "POST":
        try:
            progress.mark_read(
                assignment=assignment, key=key, activity_id=_int(request.POST.get("view"))
            )
        except Refusal as refusal:
            messages.error(request, refusal.message)
            return redirect("learning:training", assignment.pk)
        if index + 1 < len(lessons):
            return redirect("learning:lesson", assignment.pk, lessons[index + 1]["key"])
        return redirect("learning:training", assignment.pk)
    try:
        view = progress.open_lesson(assignment=assignment, key=key, ip=current_origin().ip)
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("learning:my_trainings")
    return render(
        request,
        "learning/lesson.html",
        {
            "assignment": assignment,
            "snapshot": snapshot,
            "lesson": lessons[index],
            "number": index + 1,
            "count": len(lessons),
            "previous": lessons[index - 1] if index > 0 else None,
            "next": lessons[index + 1] if index + 1 < len(lessons) else None,
            "view": view,
            "read": key in assignment.lessons_read,
            **header_of(assignment.learner),
        },
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
@require_POST
def lesson_heartbeat(request: HttpRequest, assignment_id: int, view_id: int) -> HttpResponse:
    member = acting_member(request)
    assignment = access_own_assignment(member, assignment_id)
    try:
        seconds = progress.heartbeat(assignment=assignment, activity_id=view_id)
    except Refusal as error:
        raise Http404 from error
    return JsonResponse({"seconds": seconds})


@login_required
def lesson_file(request: HttpRequest, assignment_id: int, sha256: str) -> FileResponse:
    member = acting_member(request)
    assignment = access_own_assignment(member, assignment_id)
    block = Block.objects.filter(lesson__version=assignment.module_version, sha256=sha256).first()
    if block is None or not block.file:
        raise Http404
    return FileResponse(
        default_storage.open(str(block.file.name), "rb"),
        content_type=block.media_type or "application/octet-stream",
        filename=block.name,
        as_attachment=block.kind != Block.Kind.IMAGE,
    )


@login_required
def assessment(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """POST starts (or resumes) the attempt; GET shows the open one's questions."""
    member = acting_member(request)
    assignment = access_own_assignment(member, assignment_id)
    if request.method == "POST":
        try:
            attempts.start_attempt(assignment=assignment)
        except Refusal as refusal:
            messages.error(request, refusal.message)
            return redirect("learning:training", assignment.pk)
        return redirect("learning:assessment", assignment.pk)
    attempt = selectors.open_attempt(assignment)
    if attempt is None or attempts.close_if_late(attempt=attempt):
        if attempt is not None:
            messages.error(
                request, _("The time limit was exceeded: this attempt is closed without a score.")
            )
        return redirect("learning:training", assignment.pk)
    context = _attempt_context(assignment, attempt) | header_of(assignment.learner)
    return render(request, "learning/assessment.html", context)


def _questions(attempt, snapshot, posted, unanswered=None) -> list[dict[str, object]]:
    """The drawn questions as shown, with what the learner has posted so far (if anything):
    a page shown again (back from the summary, or after an unreadable answer) keeps it.
    `unanswered`: the keys the service reads as without an answer, when it could read them."""
    items = {item["key"]: item for item in snapshot["items"]}
    questions: list[dict[str, object]] = []
    for number, drawn in enumerate(drawn_items(attempt), start=1):
        item = items[drawn.key]
        given = [str(v).strip() for v in posted.getlist(FIELD_PREFIX + drawn.key)] if posted else []
        questions.append(
            {
                "number": number,
                "key": item["key"],
                "kind": item["kind"],
                "prompt": item["prompt"],
                "unit": item["unit"],
                "given": given,
                "answered": any(given) if unanswered is None else drawn.key not in unanswered,
                "value": given[0] if given else "",
                "choices": [
                    (position, item["choices"][i], str(position) in given)
                    for position, i in enumerate(drawn.order)
                ],
                # ordering: the step chosen for each rank, in rank order
                "ranks": [
                    (rank, given[rank - 1] if rank <= len(given) else "")
                    for rank in range(1, len(drawn.order) + 1)
                ],
            }
        )
    return questions


# The question list of an attempt shown with nothing posted depends only on the version's frozen
# content, the questions drawn and the language: rendered once per process (issue 22).
_QUESTION_LISTS = Fragments(size=512)


def _question_list(
    version, attempt, snapshot, posted, unanswered
) -> tuple[SafeString, list[dict[str, object]]]:
    """The rendered questions, and the questions themselves when something was posted."""

    def render(questions: list[dict[str, object]]) -> str:
        return render_to_string(
            "learning/_questions.html", {"questions": questions, "posted": posted is not None}
        )

    if posted is None and version.content_sha256:
        key = (
            version.pk,
            version.content_sha256,
            get_language(),
            tuple((key, tuple(order)) for key, order in attempt.drawn),
        )
        html = _QUESTION_LISTS.render(key, lambda: render(_questions(attempt, snapshot, None)))
        return html, []
    questions = _questions(attempt, snapshot, posted, unanswered)
    return mark_safe(render(questions)), questions  # noqa: S308 - a rendered template


def _attempt_context(assignment, attempt, posted=None, unanswered=None) -> dict[str, object]:
    snapshot = snapshot_of(assignment.module_version)
    question_list, questions = _question_list(
        assignment.module_version, attempt, snapshot, posted, unanswered
    )
    return {
        "assignment": assignment,
        "attempt": attempt,
        "question_list": question_list,
        "questions": questions,  # the summary page lists them (something was posted)
        "unanswered": [q for q in questions if not q["answered"]],
        "posted": posted is not None,
        # what was posted, carried through the summary page as hidden fields
        "answers": [
            (name, value)
            for name in (posted or {})
            if name.startswith(FIELD_PREFIX)
            for value in posted.getlist(name)
        ],
        "snapshot": snapshot,
        "remaining": int((attempt.deadline_at - timezone.now()).total_seconds())
        if attempt.deadline_at
        else None,
    }


@login_required
@require_POST
def attempt_submit(request: HttpRequest, assignment_id: int, number: int) -> HttpResponse:
    """Scores the attempt. With questions left unanswered, a summary page comes first (it works
    without JavaScript): the learner goes back to the questions, answers kept, or confirms."""
    member = acting_member(request)
    assignment = access_own_assignment(member, assignment_id)
    attempt = access_own_attempt(member, assignment, number)
    action = request.POST.get("action", "")
    state = attempts.answer_state(attempt=attempt, form=request.POST)
    if state.may_review and state.readable and action != "confirm":
        context = _attempt_context(assignment, attempt, request.POST, state.unanswered)
        if action == "back":
            return render(request, "learning/assessment.html", context)
        if state.unanswered:
            return render(request, "learning/assessment_summary.html", context)
    try:
        attempts.submit_attempt(attempt=attempt, form=request.POST, by=member)
    except Refusal as refusal:
        messages.error(request, refusal.message)
        if refusal.code == "invalid_answers" and attempt.status == Attempt.Status.OPEN:
            context = _attempt_context(assignment, attempt, request.POST)
            return render(request, "learning/assessment.html", context)
        return redirect("learning:training", assignment.pk)
    return redirect("learning:result", assignment.pk, attempt.number)


@login_required
def result(request: HttpRequest, assignment_id: int, number: int) -> HttpResponse:
    member = acting_member(request)
    assignment = access_own_assignment(member, assignment_id, with_attestation=True)
    attempt = access_own_attempt(member, assignment, number)
    if attempt.status == Attempt.Status.OPEN:
        return redirect("learning:assessment", assignment.pk)
    snapshot = snapshot_of(assignment.module_version)
    lesson_of = {lesson["source_anchor"]: lesson for lesson in snapshot["lessons"]}
    sections = []
    for section in (attempt.outcome or {}).get("sections", []):
        top = section["anchor"].split("-")
        lesson = lesson_of.get(section["anchor"]) or lesson_of.get("-".join(top[:2]))
        title = section.get("title") or ""
        if (not title or title == section["anchor"]) and lesson:
            title = lesson["title"]  # an attempt scored before titles were looked up by key
        sections.append(dict(section, lesson=lesson, title=title))
    return render(
        request,
        "learning/result.html",
        {
            "assignment": assignment,
            "attempt": attempt,
            "snapshot": snapshot,
            "sections": sections,
            "attempts_left": attempts_left(assignment),
            "attestation": getattr(assignment, "attestation", None),
            **header_of(assignment.learner),
        },
    )
