"""Privacy declarations: what personal data each model holds and how each right applies to it.

Every model holding personal data declares it next to its class, with the decorator:

    @personal_data(
        fields=["email", "first_name", "last_name"],
        controller="client",          # who decides the purposes: the client or the provider
        subject={"learner": "pk"},    # how to reach the person's rows (user, learner, membership)
        organization="organization",  # lookup to the owning organisation (None: installation-wide)
        retention=_("…"),             # the retention rule, in words
        erasure="pseudonymise",       # or "keep_legal" (kept for a legal duty), "delete", "none"
    )
    class Learner(models.Model): ...

and a model holding none says so with `@no_personal_data(reason)`. Third-party models are
declared with `declare(Model, …)` / `declare_none(Model, …)` by the privacy app. The privacy
app's test walks every installed model: one with personal-looking fields (or a key to the user
model) and no declaration fails the suite, so a new model cannot slip through.

The registry lives in core (the bottom layer) so that every app declares beside its models; the
privacy app reads it to answer access requests, to erase and to purge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from django.db import models

Controller = Literal["client", "provider"]
Erasure = Literal["pseudonymise", "keep_legal", "delete", "none"]
SubjectKey = Literal["user", "learner", "membership", "email"]
ERASURES = ("pseudonymise", "keep_legal", "delete", "none")
SUBJECT_KEYS = ("user", "learner", "membership", "email")

M = TypeVar("M", bound=type[models.Model])


@dataclass(frozen=True)
class Declaration:
    """How the rights of the people concerned apply to one model."""

    label: str  # "app_label.ModelName"
    fields: tuple[str, ...]  # the personal fields
    controller: Controller
    subject: Mapping[str, str]  # person key ("user", "learner", …) → lookup from this model
    organization: str | None  # lookup to the owning organisation; None: installation-wide
    retention: Any  # the retention rule, in words (a lazy translation)
    erasure: Erasure = "pseudonymise"
    access: bool = True  # part of the person's access export
    portability: bool = True  # data the person provided or generated (machine-readable copy)
    restriction: Any = ""  # how a restriction of processing applies, in words
    kept_for: Any = ""  # keep_legal: what the law requires to keep, and for how long
    kept_years: int = 0  # keep_legal: retention in years from the row's date
    # Dotted path of a function(row, pseudonym: Pseudonym) -> None for values the generic rules
    # cannot rewrite (a signed credential, frozen facts); called after the generic rewrite.
    eraser: str = ""
    # Dotted path of a function(row) -> Iterable[(name, bytes)]: files of the access export.
    files: str = ""


_REGISTRY: dict[str, Declaration] = {}
_NONE: dict[str, str] = {}


def _label(model: type[models.Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.label


def declare(
    model: type[models.Model] | str,
    *,
    fields: Sequence[str],
    controller: Controller,
    subject: Mapping[str, str],
    organization: str | None,
    retention: Any,
    erasure: Erasure = "pseudonymise",
    access: bool = True,
    portability: bool = True,
    restriction: Any = "",
    kept_for: Any = "",
    kept_years: int = 0,
    eraser: str = "",
    files: str = "",
) -> Declaration:
    if erasure not in ERASURES:
        raise ValueError(f"erasure must be one of {ERASURES}, not {erasure!r}")
    if unknown := set(subject) - set(SUBJECT_KEYS):
        raise ValueError(f"unknown subject keys {sorted(unknown)}; use {SUBJECT_KEYS}")
    declaration = Declaration(
        label=_label(model),
        fields=tuple(fields),
        controller=controller,
        subject=dict(subject),
        organization=organization,
        retention=retention,
        erasure=erasure,
        access=access,
        portability=portability,
        restriction=restriction,
        kept_for=kept_for,
        kept_years=kept_years,
        eraser=eraser,
        files=files,
    )
    _REGISTRY[declaration.label] = declaration
    return declaration


def personal_data(**kwargs: Any) -> Callable[[M], M]:
    """Class decorator: `declare` for the model it decorates (see the module's docstring)."""

    def wrap(model: M) -> M:
        declare(model, **kwargs)
        return model

    return wrap


def declare_none(model: type[models.Model] | str, reason: str) -> None:
    _NONE[_label(model)] = reason


def no_personal_data(reason: str) -> Callable[[M], M]:
    """Class decorator for a model whose fields look personal but are not (say why)."""

    def wrap(model: M) -> M:
        declare_none(model, reason)
        return model

    return wrap


def declaration_of(model: type[models.Model] | str) -> Declaration | None:
    return _REGISTRY.get(_label(model))


def declarations() -> list[Declaration]:
    return sorted(_REGISTRY.values(), key=lambda d: d.label)


def declared_without_personal_data() -> dict[str, str]:
    return dict(_NONE)


@dataclass(frozen=True)
class Pseudonym:
    """What an erased person becomes: a stable, meaningless name and an undeliverable address."""

    code: str  # e.g. "P-7F3K9Q"
    identifiers: tuple[str, ...] = field(default=())  # the strings to remove (name, e-mail…)

    @property
    def name(self) -> str:
        return f"Personne {self.code}"

    @property
    def email(self) -> str:
        return f"{self.code.lower()}@effacement.invalid"


# --- Restriction and objection -----------------------------------------------------------------
# One predicate, answered by the privacy app: lower apps (learning reminders, reporting exports)
# ask it before processing a person for a purpose the person restricted or objected to.
_restricted_sets: list[Callable[[int], set[str]]] = []


def register_restricted_set(provider: Callable[[int], set[str]]) -> None:
    if provider not in _restricted_sets:
        _restricted_sets.append(provider)


def restricted_emails(organization_id: int) -> set[str]:
    """The lower-cased addresses whose processing is restricted (or objected to) in an
    organisation: one query for a whole list of people."""
    found: set[str] = set()
    for provider in _restricted_sets:
        found |= provider(organization_id)
    return found


def processing_restricted(organization_id: int, email: str) -> bool:
    """Whether the person may not be processed for reminders, surveys and exports."""
    return email.strip().lower() in restricted_emails(organization_id)
