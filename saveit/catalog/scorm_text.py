"""Every sentence of an exported SCORM package, through gettext (called under the package's
language, see `scorm.build_scorm_package`).

The page's own text is rendered here. The player (scorm_assets/player.js) shows no sentence of
its own: it reads them from the package data, as `%(name)s` templates it fills in (`%%` is a
percent sign) and, where a count needs the language's plural, as texts already counted here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def page_labels() -> dict[str, str]:
    """The fixed text of index.html (escaped by the caller)."""
    return {
        "skip_link": _("Skip to the content"),
        "standalone": _("Standalone mode: the results are not sent to a platform."),
        "noscript": _("Turn on JavaScript in your browser to take the assessment."),
        "toc_title": _("Contents"),
        "overview_title": _("Overview"),
        "assessment_title": _("Assessment"),
        "resumed": _("Welcome back: you resume where you stopped, with your answers kept."),
    }


def player_templates() -> dict[str, str]:
    """Sentences with the values only the player knows (the attempt, a step, the score…)."""
    return {
        "move_up": _("Move up"),
        "move_down": _("Move down"),
        "move_up_step": _("Move up: %(step)s"),
        "move_down_step": _("Move down: %(step)s"),
        "ordering_hint": _(
            "Put the steps in the right order with the “Move up” and “Move down” buttons."
        ),
        "step_moved": _("“%(step)s” is now in position %(position)s of %(total)s."),
        "your_answer": _("Your answer"),
        "your_answer_in": _("Your answer (in %(unit)s)"),
        "number_hint": _("A number, for example 12 or 12.5."),
        "question_of": _("Question %(n)s of %(total)s"),
        "several_answers": _("Several answers are possible."),
        "enter_number": _("Enter a number, for example 12 or 12.5."),
        "enter_answer": _("Enter your answer."),
        "choose_answer": _("Choose an answer."),
        "attempt_of": _("Attempt %(n)s of %(total)s"),
        "answers_of_attempt": _("Your answers, attempt %(n)s of %(total)s"),
        "no_assessment": _("This module has no assessment."),
        "already_passed": _("You have already passed this assessment."),
        "start": _("Start the assessment"),
        "submit": _("Submit my answers"),
        "time_left": _("Time left: %(minutes)s min %(seconds)s s"),
        "one_minute_left": _("One minute left."),
        "unanswered": _("Some questions have no valid answer yet:"),
        "question_n": _("Question %(n)s"),
        "correct": _("Correct answer"),
        "incorrect": _("Incorrect answer"),
        "result": _("Your result: %(score)s %%"),
        "time_up": _("Time is up: your answers were submitted automatically."),
        "passed": _("Assessment passed. The pass mark is %(mark)s %%."),
        "not_passed": _("Assessment not passed. The pass mark is %(mark)s %%."),
        "retry": _("New attempt (%(n)s of %(total)s)"),
        "finish": _("Finish the module"),
        "finished_recorded": _(
            "Module finished: your results are recorded. You may close this window."
        ),
        "finished": _("Module finished. You may close this window."),
        "no_attempt_left": _(
            "You have used the %(total)s attempts allowed for this assessment. Your training "
            "contact will tell you what comes next."
        ),
    }


def player_counted(rules: Mapping[str, Any], drawn: int) -> dict[str, Any]:
    """Texts whose plural depends on a count known at export, already counted.

    `right_answers[n]` is the sentence for n right answers out of the `drawn` questions.
    """
    attempts = int(rules["max_attempts"])
    parts = [
        ngettext("%(n)s question", "%(n)s questions", drawn) % {"n": drawn},
        _("pass mark %(mark)s %%") % {"mark": rules["pass_mark"]},
    ]
    if rules.get("time_limit_minutes"):
        parts.append(_("time limit %(minutes)s min") % {"minutes": rules["time_limit_minutes"]})
    return {
        "rules": " · ".join(parts),
        "right_answers": [
            ngettext(
                "%(n)s right answer out of %(total)s. The detail is under each question below.",
                "%(n)s right answers out of %(total)s. The detail is under each question below.",
                n,
            )
            % {"n": n, "total": drawn}
            for n in range(drawn + 1)
        ],
        "attempts_used": ngettext(
            "You have used %(n)s attempt out of %(total)s for this session.",
            "You have used %(n)s attempts out of %(total)s for this session.",
            attempts,
        )
        % {"n": attempts, "total": attempts},
    }


def assessment_rules(rules: Mapping[str, Any], count: int, limit: str) -> str:
    """The assessment's rules in plain sentences (`limit`: the time limit as shown, or "")."""
    attempts = int(rules["max_attempts"])
    if rules["randomise"]:
        drawn = ngettext(
            "The assessment has %(n)s question, drawn at random.",
            "The assessment has %(n)s questions, drawn at random.",
            count,
        )
    else:
        drawn = ngettext(
            "The assessment has %(n)s question, in order.",
            "The assessment has %(n)s questions, in order.",
            count,
        )
    sentences = [
        drawn % {"n": count},
        _("At least %(mark)s %% of right answers are needed to pass it.")
        % {"mark": rules["pass_mark"]},
        ngettext("You have %(n)s attempt.", "You have %(n)s attempts.", attempts) % {"n": attempts},
    ]
    if limit:
        sentences.append(_("Each attempt is limited to %(limit)s.") % {"limit": limit})
    return " ".join(sentences)


def licence_notice(*, provider: str, client: str) -> list[str]:
    """The provider's intellectual property terms (seed 004, art. 6 and 21), in our words."""
    return [
        _(
            "%(provider)s grants %(client)s a licence to use this module for the internal "
            "training of its own staff only."
        )
        % {"provider": provider, "client": client},
        _(
            "The module may not be sold, lent, passed on to or made available to anyone "
            "outside %(client)s, nor copied or adapted for another use."
        )
        % {"client": client},
        _(
            "%(provider)s keeps every intellectual property right on the module, its "
            "structure and its assessment; the procedure it is built from remains the "
            "property of %(client)s."
        )
        % {"provider": provider, "client": client},
    ]
