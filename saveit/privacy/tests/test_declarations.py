"""Every installed model with personal data declares it (the pattern of Moodle's privacy API)."""

from __future__ import annotations

import re

from django.apps import apps
from django.conf import settings
from django.db import models

from saveit.core.privacy import declaration_of, declarations, declared_without_personal_data

PERSONAL_NAME = re.compile(
    r"(^|_)(e?mail|email_digest|first_name|last_name|full_name|phone|ip|ip_address|user_agent"
    r"|username|employee_id|participants|signer_name|signatory_name|holder_name|owner_name"
    r"|person_name)$"
)
PERSON_MODELS = {settings.AUTH_USER_MODEL, "learning.Learner"}

HOW_TO_DECLARE = """
{label} holds personal data ({why}) and declares nothing. Declare it beside the class:

    from saveit.core.privacy import personal_data

    @personal_data(
        fields=[...],                  # its personal fields
        controller="client",           # or "provider": who decides the purposes
        subject={{"learner": "learner"}},  # how to reach a person's rows: user / learner /
                                       # membership / email → lookup from this model
        organization="organization",   # lookup to the owning organisation (None: global)
        retention=_("…"),              # the retention rule, in words
        erasure="pseudonymise",        # or "keep_legal" (+ kept_for, kept_years), "delete", "none"
    )
    class {name}(models.Model): ...

or, when the fields only look personal, `@no_personal_data("why")` from the same module.
A third-party model is declared with `declare("{label}", …)` in saveit/privacy/declarations.py.
"""


def _personal_signs(model: type[models.Model]) -> list[str]:
    signs = []
    for f in model._meta.concrete_fields:
        if isinstance(f, models.EmailField | models.GenericIPAddressField) or PERSONAL_NAME.search(
            f.name
        ):
            signs.append(f.name)
        elif f.is_relation and getattr(f.related_model, "_meta", None) is not None:
            label = f.related_model._meta.label  # type: ignore[union-attr]
            if label in PERSON_MODELS:
                signs.append(f"{f.name} → {label}")
    return signs


def test_every_model_with_personal_data_declares_it():
    none = declared_without_personal_data()
    problems = []
    for model in apps.get_models():
        label = model._meta.label
        signs = _personal_signs(model)
        if label in PERSON_MODELS:
            signs.append("a person")
        if signs and declaration_of(model) is None and label not in none:
            problems.append(
                HOW_TO_DECLARE.format(label=label, name=model.__name__, why=", ".join(signs))
            )
    assert not problems, "\n".join(problems)


def test_declarations_name_real_fields_and_lookups():
    for declaration in declarations():
        model = apps.get_model(declaration.label)
        names = {f.name for f in model._meta.concrete_fields}
        missing = set(declaration.fields) - names
        assert not missing, f"{declaration.label} declares unknown fields {missing}"
        lookups = [*declaration.subject.values()]
        if declaration.organization:
            lookups.append(declaration.organization)
        for lookup in lookups:
            model._default_manager.filter(**{f"{lookup}__isnull": True}).query  # noqa: B018
        if declaration.erasure == "keep_legal":
            assert declaration.kept_for and declaration.kept_years, declaration.label


def test_the_person_models_and_the_audit_trail_are_declared():
    for label in ("accounts.User", "learning.Learner", "audit.AuditEvent", "audit.Signature",
                  "certificates.Attestation", "learning.Activity", "accounts.Invitation"):  # fmt: skip
        assert declaration_of(label) is not None, label
