"""Evidence collectors: one per indicator, each reading the platform's own records.

A collector returns the dated links it found (each pointing at the record) and what is missing.
The level the evidence supports follows: 1 when something was found and nothing is missing, 2
when something was found but something is missing, 3 when nothing was found. Indicators without
a collector get the default answer (nothing recorded by the platform feeds them). EDUFORM
details that ask for the same thing as a Qualiopi indicator reuse its collector (EDUFORM_SOURCES).

Collectors read the lower apps through `sources` (the quality app sits above every domain
except orchestration and the web shell).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saveit.accounts.models import Organization

from . import sources


@dataclass(frozen=True)
class Item:
    kind: str
    label: str
    url: str = ""
    record_type: str = ""
    record_id: str = ""
    dated: datetime | None = None


@dataclass
class Collected:
    items: list[Item] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def proposed_level(self) -> int:
        if not self.items:
            return 3
        return 2 if self.missing else 1


@dataclass(frozen=True)
class Context:
    provider: Organization
    now: datetime

    @property
    def year_ago(self) -> datetime:
        return self.now - timedelta(days=365)


Collector = Callable[[Context], Collected]
COLLECTORS: dict[int, Collector] = {}
# EDUFORM detail reference → the Qualiopi indicator whose collector answers it.
EDUFORM_SOURCES: dict[str, int] = {
    "1.1.1": 1,
    "1.1.4": 2,
    "1.2.2": 31,
    "1.4.1": 4,
    "1.5.3": 5,
    "1.6.1": 11,
    "1.7.1": 4,
    "1.8.1": 8,
    "1.9.1": 9,
    "1.10.2": 10,
    "1.11.1": 11,
    "1.12.1": 10,
    "2.1.1": 22,
    "2.1.5": 21,
    "2.3.2": 19,
    "2.3.4": 17,
    "2.5.2": 30,
    "2.5.5": 32,
    "2.5.6": 31,
    "2.7.1": 23,
    "2.7.2": 25,
    "3.3.2": 30,
    "3.4.1": 32,
}


def collector(number: int) -> Callable[[Collector], Collector]:
    def register(function: Collector) -> Collector:
        if number in COLLECTORS:
            raise ValueError(f"two collectors for indicator {number}")
        COLLECTORS[number] = function
        return function

    return register


def nothing_recorded(ctx: Context) -> Collected:
    return Collected(
        missing=[_("The platform records nothing for this indicator: describe what you will show.")]
    )


def collector_for(framework_code: str, number: int, reference: str) -> Collector:
    if framework_code == "qualiopi":
        return COLLECTORS.get(number, nothing_recorded)
    source = EDUFORM_SOURCES.get(reference)
    return COLLECTORS.get(source, nothing_recorded) if source else nothing_recorded


def _url(name: str, *args: object) -> str:
    return reverse(name, args=list(args))


def _count(n: int, one: str, many: str) -> str:
    return ngettext(one, many, n) % {"n": n}


# ---------------------------------------------------------------- criterion 1: information


@collector(1)
def offer_sheets(ctx: Context) -> Collected:
    out = Collected()
    sheets = sources.offer_sheets(ctx.provider)
    for sheet in sheets:
        version = sheet.current
        if version is None:
            out.missing.append(_("Offer %(code)s has no published version.") % {"code": sheet.code})
            continue
        out.items.append(
            Item(
                "offer_sheet",
                _("Offer sheet %(code)s, version %(v)s")
                % {"code": sheet.code, "v": version.number},
                _url("quality:offer", sheet.pk),
                "quality.offersheetversion",
                str(version.pk),
                version.published_at,
            )
        )
        for item in version.missing_items():
            label = str(getattr(version._meta.get_field(item), "verbose_name", item))
            out.missing.append(
                _("Offer %(code)s does not state: %(item)s.") % {"code": sheet.code, "item": label}
            )
    if not sheets:
        out.missing.append(_("No offer sheet is published."))
    return out


@collector(2)
def public_results(ctx: Context) -> Collected:
    out = Collected()
    for sheet in sources.offer_sheets(ctx.provider):
        if not sheet.is_public:
            continue
        if not sheet.modules.exists():
            out.missing.append(
                _("Offer %(code)s is linked to no module: its results cannot be computed.")
                % {"code": sheet.code}
            )
            continue
        out.items.append(
            Item(
                "public_results",
                _("Public results of offer %(code)s") % {"code": sheet.code},
                _url("quality:offer_results", sheet.pk),
                "quality.offersheet",
                str(sheet.pk),
                ctx.now,
            )
        )
    if not out.items:
        out.missing.append(_("No public result indicators are published."))
    return out


# ---------------------------------------------------------------- criterion 2: design


@collector(4)
def needs_analysis(ctx: Context) -> Collected:
    out = Collected()
    for engagement in sources.engagements(ctx.provider):
        interviews = sources.scoping_interviews(engagement)
        for interview in interviews:
            out.items.append(
                Item(
                    "scoping_interview",
                    _("Scoping interview of %(ref)s on %(date)s")
                    % {"ref": engagement.reference, "date": interview.held_on.strftime("%d/%m/%Y")},
                    _url("engagements:detail", engagement.pk),
                    "engagements.scopinginterview",
                    str(interview.pk),
                    interview.created_at,
                )
            )
        note = sources.signed_scoping_note(engagement)
        if note is not None:
            out.items.append(
                Item(
                    "scoping_note",
                    _("Signed scoping note of %(ref)s") % {"ref": engagement.reference},
                    _url("engagements:detail", engagement.pk),
                    "engagements.scopingnote",
                    str(note.pk),
                    note.issued_at,
                )
            )
        elif engagement.phase >= 1:
            out.missing.append(
                _("Engagement %(ref)s has no signed scoping note.") % {"ref": engagement.reference}
            )
        if not interviews:
            out.missing.append(
                _("Engagement %(ref)s has no scoping interview recorded.")
                % {"ref": engagement.reference}
            )
    return out


def _versions(ctx: Context, kind: str, check: Callable[..., str | None], label: str) -> Collected:
    out = Collected()
    for version in sources.live_versions():
        problem = check(version)
        if problem:
            out.missing.append(problem)
            continue
        out.items.append(
            Item(
                kind,
                label % {"code": version.module.code, "v": version.label, "title": version.title},
                _url("catalog:version", version.pk),
                "catalog.moduleversion",
                str(version.pk),
                version.activated_at or version.created_at,
            )
        )
    if not out.items and not out.missing:
        out.missing.append(_("No module version is active."))
    return out


@collector(5)
def module_objectives(ctx: Context) -> Collected:
    return _versions(
        ctx,
        "module_objectives",
        lambda v: (
            None
            if v.objectives
            else _("Module %(code)s v%(v)s states no objective.")
            % {"code": v.module.code, "v": v.label}
        ),
        _("Objectives of %(code)s v%(v)s · %(title)s"),
    )


@collector(6)
def module_structure(ctx: Context) -> Collected:
    def check(v) -> str | None:
        if not v.duration_minutes:
            return _("Module %(code)s v%(v)s has no duration.") % {
                "code": v.module.code,
                "v": v.label,
            }
        if not v.lessons.exists():
            return _("Module %(code)s v%(v)s has no lesson.") % {
                "code": v.module.code,
                "v": v.label,
            }
        return None

    return _versions(ctx, "module_structure", check, _("Structure and duration of %(code)s v%(v)s"))


@collector(8)
def prerequisites(ctx: Context) -> Collected:
    return _versions(
        ctx,
        "prerequisites",
        lambda v: (
            None
            if v.prerequisites.strip()
            else _("Module %(code)s v%(v)s states no prerequisites (say “none” if so).")
            % {"code": v.module.code, "v": v.label}
        ),
        _("Prerequisites of %(code)s v%(v)s"),
    )


# ---------------------------------------------------------------- criterion 3: delivery


@collector(9)
def invitations(ctx: Context) -> Collected:
    out = Collected()
    for row in sources.invitation_counts():
        engagement = row["engagement"]
        if row["invited"]:
            out.items.append(
                Item(
                    "invitations",
                    _count(
                        row["invited"],
                        "%(n)s learner invited (message kept as sent)",
                        "%(n)s learners invited (messages kept as sent)",
                    )
                    + f" · {engagement.reference}",
                    _url("learning:deployment", engagement.pk),
                    "engagements.engagement",
                    str(engagement.pk),
                    row["last"],
                )
            )
        if row["not_invited"]:
            out.missing.append(
                _count(
                    row["not_invited"],
                    "%(n)s learner was never sent an invitation",
                    "%(n)s learners were never sent an invitation",
                )
                + f" · {engagement.reference}"
            )
    for row in sources.convocations_by_engagement():
        out.items.append(
            Item(
                "convocations",
                _count(
                    row["sent"],
                    "%(n)s session convocation kept as sent",
                    "%(n)s session convocations kept as sent",
                )
                + f" · {row['engagement'].reference}",
                _url("attendance:sessions", row["engagement"].pk),
                "engagements.engagement",
                str(row["engagement"].pk),
                row["last"],
            )
        )
    if not out.items and not out.missing:
        out.missing.append(_("No learner has been invited yet."))
    return out


@collector(10)
def follow_up(ctx: Context) -> Collected:
    out = Collected()
    for row in sources.follow_up_counts(ctx.now.date()):
        engagement = row["engagement"]
        out.items.append(
            Item(
                "follow_up",
                _("Follow-up of each learner · %(ref)s") % {"ref": engagement.reference},
                _url("reporting:engagement_learners", engagement.pk),
                "engagements.engagement",
                str(engagement.pk),
                row["last"],
            )
        )
        if row["overdue"]:
            out.missing.append(
                _count(
                    row["overdue"],
                    "%(n)s learner is past the due date",
                    "%(n)s learners are past the due date",
                )
                + f" · {engagement.reference}"
            )
    for accommodation in sources.accommodations(ctx.provider)[:20]:
        out.items.append(
            Item(
                "accommodation",
                _("Accommodation granted on %(date)s")
                % {"date": accommodation.granted_on.strftime("%d/%m/%Y")},
                _url("quality:disability"),
                "quality.accommodation",
                str(accommodation.pk),
                ctx.now,
            )
        )
    if not out.items:
        out.missing.append(_("No learner is followed yet."))
    return out


@collector(11)
def assessment_results(ctx: Context) -> Collected:
    out = Collected()
    for row in sources.result_counts():
        engagement = row["engagement"]
        out.items.append(
            Item(
                "assessment_results",
                _("%(passed)s passed, %(failed)s failed · %(ref)s")
                % {"passed": row["passed"], "failed": row["failed"], "ref": engagement.reference},
                _url("reporting:engagement", engagement.pk),
                "engagements.engagement",
                str(engagement.pk),
                row["last"],
            )
        )
    for attestation in sources.recent_attestations(20):
        out.items.append(
            Item(
                "attestation",
                _("Attestation %(number)s") % {"number": attestation.number},
                _url("certificates:detail", attestation.pk),
                "certificates.attestation",
                str(attestation.pk),
                attestation.issued_at,
            )
        )
    if not out.items:
        out.missing.append(_("No assessment has been taken yet."))
    return out


@collector(12)
def dropouts(ctx: Context) -> Collected:
    out = Collected()
    explained = sources.dropout_actions(ctx.provider)
    for action in explained:
        out.items.append(
            Item(
                "dropout_action",
                _("Drop-out analysed: %(title)s") % {"title": action.title},
                _url("quality:action", action.pk),
                "quality.improvementaction",
                str(action.pk),
                action.created_at,
            )
        )
    overdue = sources.overdue_assignments(ctx.now.date())
    explained_ids = {a.assignment_id for a in explained}
    unexplained = [a for a in overdue if a.pk not in explained_ids]
    if unexplained:
        out.missing.append(
            _count(
                len(unexplained),
                "%(n)s overdue learner has no recorded cause or action",
                "%(n)s overdue learners have no recorded cause or action",
            )
        )
    overdue_engagements = {a.engagement_id for a in overdue}
    for row in sources.reminders_by_engagement():
        engagement = row["engagement"]
        if row["sent"]:
            out.items.append(
                Item(
                    "reminders",
                    _count(
                        row["sent"],
                        "%(n)s reminder sent to inactive or late learners",
                        "%(n)s reminders sent to inactive or late learners",
                    )
                    + f" · {engagement.reference}",
                    _url("attendance:sessions", engagement.pk),
                    "engagements.engagement",
                    str(engagement.pk),
                    row["last"],
                )
            )
        elif engagement.pk in overdue_engagements:
            out.missing.append(
                _("Overdue learners were never reminded · %(ref)s") % {"ref": engagement.reference}
            )
    return out


# ---------------------------------------------------------------- criterion 4: means


@collector(17)
def platform_availability(ctx: Context) -> Collected:
    """Means put at the learners' disposal: the platform's measured availability (the monthly
    SLA reports) and its upkeep (the maintenance register)."""
    out = Collected()
    contracts = sources.support_contracts()
    if not contracts:
        out.missing.append(_("No support contract: the platform's availability is not measured."))
        return out
    reports = sources.sla_reports(ctx.year_ago)
    for report in reports:
        out.items.append(
            Item(
                "sla_report",
                _("SLA report %(month)s, contract %(contract)s")
                % {"month": report.month.strftime("%m/%Y"), "contract": report.contract.reference},
                _url("support:report", report.pk),
                "support.slareport",
                str(report.pk),
                report.closed_at,
            )
        )
    reported = {(r.contract_id, r.month) for r in reports}
    last_month = (ctx.now.date().replace(day=1) - timedelta(days=1)).replace(day=1)
    unreported = [
        c for c in contracts if c.starts_on < last_month and (c.pk, last_month) not in reported
    ]
    if unreported:
        out.missing.append(
            _count(
                len(unreported),
                "%(n)s support contract has no closed SLA report for last month",
                "%(n)s support contracts have no closed SLA report for last month",
            )
        )
    records = sources.maintenance_records(ctx.year_ago.date())
    for record in records[:24]:
        out.items.append(
            Item(
                "maintenance",
                _("Maintenance of %(date)s: %(kind)s")
                % {
                    "date": record.performed_on.strftime("%d/%m/%Y"),
                    "kind": record.get_kind_display(),
                },
                _url("support:register", record.contract_id),
                "support.maintenancerecord",
                str(record.pk),
                datetime.combine(record.performed_on, datetime.min.time(), tzinfo=ctx.now.tzinfo),
            )
        )
    if not records:
        out.missing.append(_("The maintenance register has no entry in the last twelve months."))
    return out


@collector(18)
def staffing(ctx: Context) -> Collected:
    out = Collected()
    for engagement in sources.engagements(ctx.provider):
        pm = engagement.project_manager
        out.items.append(
            Item(
                "staffing",
                _("%(ref)s led by %(name)s")
                % {"ref": engagement.reference, "name": pm.user.full_name or pm.user.email},
                _url("engagements:detail", engagement.pk),
                "engagements.engagement",
                str(engagement.pk),
                engagement.created_at,
            )
        )
    if not sources.disability_referents(ctx.provider):
        out.missing.append(_("No disability referent is named."))
    if not out.items:
        out.missing.append(_("No engagement is staffed yet."))
    return out


@collector(19)
def resources(ctx: Context) -> Collected:
    return _versions(
        ctx,
        "resources",
        lambda v: (
            None
            if v.lessons.exists()
            else _("Module %(code)s v%(v)s offers no resource.")
            % {"code": v.module.code, "v": v.label}
        ),
        _("Resources online: %(code)s v%(v)s"),
    )


# ---------------------------------------------------------------- criterion 5: staff


def _staff_competences(ctx: Context, kind: str) -> Collected:
    out = Collected()
    records = sources.staff_competences(ctx.provider)
    covered = {r.member_id for r in records}
    for record in records:
        out.items.append(
            Item(
                kind,
                _("%(who)s · %(what)s (assessed %(date)s)")
                % {
                    "who": record.member.user.full_name or record.member.user.email,
                    "what": record.competence,
                    "date": record.assessed_on.strftime("%d/%m/%Y"),
                },
                _url("quality:competences"),
                "quality.staffcompetence",
                str(record.pk),
                ctx.now,
            )
        )
    for member in sources.provider_staff(ctx.provider):
        if member.pk not in covered:
            out.missing.append(
                _("No competence record for %(who)s.")
                % {"who": member.user.full_name or member.user.email}
            )
    return out


@collector(21)
def competences_defined(ctx: Context) -> Collected:
    return _staff_competences(ctx, "staff_competence")


@collector(22)
def competences_developed(ctx: Context) -> Collected:
    out = _staff_competences(ctx, "staff_competence")
    for attestation in sources.staff_attestations(ctx.provider):
        out.items.append(
            Item(
                "staff_training",
                _("Staff trained with our module: attestation %(number)s")
                % {"number": attestation.number},
                _url("certificates:detail", attestation.pk),
                "certificates.attestation",
                str(attestation.pk),
                attestation.issued_at,
            )
        )
    overdue = [
        r
        for r in sources.staff_competences(ctx.provider)
        if r.next_review_on and r.next_review_on < ctx.now.date()
    ]
    for record in overdue:
        out.missing.append(_("Review of %(what)s is overdue.") % {"what": record.competence})
    return out


# ---------------------------------------------------------------- criterion 6: environment


def _watch(ctx: Context, kind: str) -> Collected:
    out = Collected()
    for entry in sources.watch_entries(ctx.provider, kind):
        out.items.append(
            Item(
                "watch",
                _("Watch: %(source)s") % {"source": entry.source},
                _url("quality:watch"),
                "quality.watchentry",
                str(entry.pk),
                entry.created_at,
            )
        )
        if not entry.impact.strip():
            out.missing.append(
                _("Watch entry “%(source)s” does not say what was done.") % {"source": entry.source}
            )
    if not any(
        e.observed_on >= ctx.year_ago.date() for e in sources.watch_entries(ctx.provider, kind)
    ):
        out.missing.append(_("No watch entry of this kind in the last twelve months."))
    return out


@collector(23)
def legal_watch(ctx: Context) -> Collected:
    return _watch(ctx, "legal")


@collector(24)
def skills_watch(ctx: Context) -> Collected:
    return _watch(ctx, "skills")


@collector(25)
def innovation_watch(ctx: Context) -> Collected:
    out = _watch(ctx, "innovation")
    # The chain: a procedure changed → the module is outdated → a new version → re-certification.
    for campaign in sources.recertification_campaigns()[:20]:
        out.items.append(
            Item(
                "recertification",
                _("Re-certification on %(code)s v%(v)s")
                % {"code": campaign.module.code, "v": campaign.version.label},
                _url("catalog:version", campaign.version_id),
                "learning.recertificationcampaign",
                str(campaign.pk),
                campaign.created_at,
            )
        )
    for version in sources.outdated_without_successor():
        out.missing.append(
            _("Module %(code)s v%(v)s is outdated and has no newer version yet.")
            % {"code": version.module.code, "v": version.label}
        )
    return out


@collector(26)
def disability(ctx: Context) -> Collected:
    out = Collected()
    for referent in sources.disability_referents(ctx.provider):
        out.items.append(
            Item(
                "disability_referent",
                _("Disability referent: %(name)s") % {"name": referent.name},
                _url("quality:disability"),
                "quality.disabilityreferent",
                str(referent.pk),
                ctx.now,
            )
        )
        if not referent.partners.strip():
            out.missing.append(
                _("The partner network of the disability referent is not described.")
            )
    for accommodation in sources.accommodations(ctx.provider)[:20]:
        out.items.append(
            Item(
                "accommodation",
                _("Accommodation granted on %(date)s")
                % {"date": accommodation.granted_on.strftime("%d/%m/%Y")},
                _url("quality:disability"),
                "quality.accommodation",
                str(accommodation.pk),
                ctx.now,
            )
        )
    checks = sources.accessibility_checks(ctx.provider)
    for check in checks:
        out.items.append(
            Item(
                "accessibility_check",
                _("Accessibility check: %(scope)s") % {"scope": check.scope},
                _url("quality:disability"),
                "quality.accessibilitycheck",
                str(check.pk),
                ctx.now,
            )
        )
    if not sources.disability_referents(ctx.provider):
        out.missing.append(_("No disability referent is named."))
    if not checks:
        out.missing.append(_("No accessibility check is recorded."))
    return out


@collector(27)
def subcontractors(ctx: Context) -> Collected:
    out = Collected()
    for sub in sources.subcontractors(ctx.provider):
        out.items.append(
            Item(
                "subcontractor",
                _("Subcontractor %(name)s") % {"name": sub.name},
                _url("quality:subcontractors"),
                "quality.subcontractor",
                str(sub.pk),
                sub.created_at,
            )
        )
        if not sub.contract_signed_on:
            out.missing.append(
                _("No contract date for subcontractor %(name)s.") % {"name": sub.name}
            )
        if not sub.last_review_on or sub.last_review_on < ctx.year_ago.date():
            out.missing.append(
                _("Subcontractor %(name)s was not reviewed in the last twelve months.")
                % {"name": sub.name}
            )
    if not out.items:
        out.missing.append(_("The subcontractor register is empty."))
    return out


# ---------------------------------------------------------------- criterion 7: feedback


@collector(30)
def surveys(ctx: Context) -> Collected:
    out = Collected()
    answers = sources.survey_answers(ctx.provider)
    for answer in answers[:50]:
        request = answer.request
        out.items.append(
            Item(
                "survey_answer",
                _("%(moment)s survey answered by a %(who)s")
                % {
                    "moment": request.get_moment_display().capitalize(),
                    "who": request.get_respondent_display(),
                },
                _url("quality:survey_results"),
                "quality.surveyanswer",
                str(answer.pk),
                answer.answered_at,
            )
        )
    kinds = {(a.request.moment, a.request.respondent) for a in answers}
    moments = {moment for moment, _who in kinds}
    for moment, label in (("hot", _("hot (at completion)")), ("cold", _("cold (after some time)"))):
        if moment not in moments:
            out.missing.append(_("No %(moment)s survey answer yet.") % {"moment": label})
    respondents = {who for _moment, who in kinds}
    for who, label in (
        ("client_manager", _("client managers")),
        ("funder", _("funders")),
        ("staff", _("staff")),
    ):
        if who not in respondents:
            out.missing.append(_("No answer from %(who)s yet.") % {"who": label})
    return out


@collector(31)
def complaints(ctx: Context) -> Collected:
    out = Collected(
        items=[
            Item(
                "procedure",
                _("Public form for complaints and incidents"),
                _url("quality:complaint_public"),
            )
        ]
    )
    today = ctx.now.date()
    for complaint in sources.complaints(ctx.provider):
        out.items.append(
            Item(
                complaint.kind,
                _("%(number)s · %(subject)s (%(status)s)")
                % {
                    "number": complaint.number,
                    "subject": complaint.subject,
                    "status": complaint.get_status_display(),
                },
                _url("quality:complaint", complaint.pk),
                "quality.complaint",
                str(complaint.pk),
                complaint.received_at,
            )
        )
        if complaint.acknowledged_late(today):
            out.missing.append(
                _("%(number)s was not acknowledged in time.") % {"number": complaint.number}
            )
        if complaint.answered_late(today):
            out.missing.append(
                _("%(number)s was not answered in time.") % {"number": complaint.number}
            )
    return out


@collector(32)
def improvements(ctx: Context) -> Collected:
    out = Collected()
    today = ctx.now.date()
    for action in sources.improvement_actions(ctx.provider):
        out.items.append(
            Item(
                "improvement_action",
                _("%(number)s · %(title)s (cause: %(cause)s)")
                % {
                    "number": action.number,
                    "title": action.title,
                    "cause": action.get_cause_display(),
                },
                _url("quality:action", action.pk),
                "quality.improvementaction",
                str(action.pk),
                action.created_at,
            )
        )
        if action.is_open and action.due_on < today:
            out.missing.append(_("%(number)s is past its due date.") % {"number": action.number})
        if action.status == action.Status.DONE and not action.efficacy_checked_on:
            out.missing.append(
                _("The efficacy of %(number)s is not checked yet.") % {"number": action.number}
            )
    for complaint in sources.complaints_without_action(ctx.provider):
        out.missing.append(
            _("%(number)s led to no improvement action.") % {"number": complaint.number}
        )
    if not out.items:
        out.missing.append(_("No improvement action is recorded."))
    return out
