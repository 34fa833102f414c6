"""Prepared queries give what their plain queryset gives (rows, order, related objects, values
adapted as the ORM adapts them), on SQLite and PostgreSQL (scripts/pg_test.sh this file)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saveit.accounts.models import Membership, User
from saveit.accounts.roles import Role
from saveit.core.prepared import Prepared, first_row
from saveit.testing.factories import make_member, make_organization

pytestmark = pytest.mark.django_db


def _memberships(user_id: int, now: dt.datetime):
    return (
        Membership.objects.filter(user_id=user_id, is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("organization", "user")
        .order_by("organization__name", "role")
    )


MEMBERSHIPS = Prepared(_memberships, user_id=int, now=dt.datetime)


def _fields(instance) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _same(prepared: list, plain: list) -> None:
    assert [type(o) for o in prepared] == [type(o) for o in plain]
    assert [_fields(o) for o in prepared] == [_fields(o) for o in plain]


def test_rows_order_and_related_objects_are_the_querysets():
    first = make_organization("Bravo")
    second = make_organization("Alpha")
    member = make_member(first, Role.CLIENT_OWNER, email="rene@example.test")
    make_member(second, Role.LEARNER, email="rene@example.test")
    # one that has ended: the datetime value decides
    ended = make_member(make_organization("Charlie"), Role.LEARNER, email="rene@example.test")
    Membership.objects.filter(pk=ended.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    now = timezone.now()
    plain = list(_memberships(member.user_id, now))
    assert [m.organization.name for m in plain] == ["Alpha", "Bravo"]
    for _ in range(2):  # compiled on the first call, reused on the second
        with CaptureQueriesContext(connection) as queries:
            prepared = MEMBERSHIPS.all(user_id=member.user_id, now=now)
            organizations = [m.organization for m in prepared]  # select_related: no query
            users = [m.user for m in prepared]
        assert len(queries) == 1
        _same(prepared, plain)
        _same(organizations, [m.organization for m in plain])
        _same(users, [m.user for m in plain])
        assert all(not m._state.adding and m._state.db == "default" for m in prepared)
    # other values, same compiled SQL: the ended membership counts again an hour earlier
    earlier = now - dt.timedelta(hours=2)
    _same(
        MEMBERSHIPS.all(user_id=member.user_id, now=earlier),
        list(_memberships(member.user_id, earlier)),
    )
    assert len(MEMBERSHIPS.all(user_id=member.user_id, now=earlier)) == 3
    assert MEMBERSHIPS.all(user_id=member.user_id + 1000, now=now) == []


def _joined_since(since: dt.date, domain: str):
    return first_row(User.objects.filter(date_joined__date__gte=since, email__endswith=domain))


def test_a_value_the_orm_transforms_is_refused_when_prepared():
    # __endswith sends "%value": the prepared SQL could not carry the value as given
    prepared = Prepared(_joined_since, since=dt.date, domain=str)
    with pytest.raises(ValueError, match="not sent as given"):
        prepared.all(since=dt.date(2020, 1, 1), domain="example.test")


def _by_email_and_day(email: str, day: dt.date):
    return User.objects.filter(email=email, date_joined__date__gte=day)


def test_strings_and_dates_are_sent_as_the_orm_sends_them():
    member = make_member(make_organization(), Role.LEARNER, email="lea@example.test")
    prepared = Prepared(_by_email_and_day, email=str, day=dt.date)
    today = timezone.localdate()
    for day, found in ((today - dt.timedelta(days=1), 1), (today + dt.timedelta(days=1), 0)):
        plain = list(_by_email_and_day("lea@example.test", day))
        assert len(plain) == found
        _same(prepared.all(email="lea@example.test", day=day), plain)
    assert prepared.first(email="lea@example.test", day=today - dt.timedelta(days=1)) == (
        member.user
    )


def test_a_value_of_another_type_is_refused_before_any_sql():
    with pytest.raises(TypeError):
        MEMBERSHIPS.all(user_id=None, now=timezone.now())  # IS NULL would be other SQL
    with pytest.raises(TypeError):
        MEMBERSHIPS.all(user_id=True, now=timezone.now())
    with pytest.raises(TypeError):
        MEMBERSHIPS.all(user_id=1)
    with pytest.raises(TypeError):
        Prepared(_memberships, user_id=float)


def _plans(contract_id: int, every: int):
    from saveit.support.models import PreventivePlan

    return PreventivePlan.objects.filter(contract_id=contract_id, every_months=every).order_by("pk")


def test_small_integer_fields_keep_the_backends_own_integer_type():
    # psycopg 3 sends a small integer field's value as Int2: the prepared query does the same
    from saveit.support.models import PreventivePlan
    from saveit.support.tests.factories import make_contract

    contract = make_contract()
    for every in (1, 3, 3):
        PreventivePlan.objects.create(
            contract=contract,
            title=f"Tous les {every} mois",
            first_on=dt.date(2026, 1, 5),
            every_months=every,
        )
    prepared = Prepared(_plans, contract_id=int, every=int)
    for every, count in ((3, 2), (1, 1), (12, 0)):
        plain = list(_plans(contract.pk, every))
        assert len(plain) == count
        _same(prepared.all(contract_id=contract.pk, every=every), plain)
    wrapped = [wrapper for _position, _name, wrapper in prepared._for(None).slots if wrapper]
    assert bool(wrapped) == (connection.vendor == "postgresql")  # Int2 there, int on SQLite


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side prepared statements")
def test_postgresql_keeps_the_statement_prepared_and_answers_the_same():
    """After `prepare_threshold` uses on a connection the server plans the statement once: it
    shows in pg_prepared_statements, and each later answer still follows the values given."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    from saveit.core.prepared import statement_cursor

    organization = make_organization("Delta")
    member = make_member(organization, Role.LEARNER, email="lea@example.test")
    other = make_member(organization, Role.LEARNER, email="noe@example.test")
    compiled_sql = MEMBERSHIPS._for(None).sql
    threshold = connection.connection.prepare_threshold
    assert threshold is not None  # config/settings/base.py turns it on for PostgreSQL
    for round_ in range(threshold + 3):
        user = member if round_ % 2 else other
        now = timezone.now()
        _same(MEMBERSHIPS.all(user_id=user.user_id, now=now), list(_memberships(user.user_id, now)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    placeholders = compiled_sql.count("%s")
    assert any(
        text.startswith('SELECT "accounts_membership"') and text.count("$") == placeholders
        for text in prepared
    ), prepared
    with statement_cursor(connection) as cursor:
        assert isinstance(cursor.cursor, ServerBindingCursor)
    # a connection told not to prepare (DATABASE_PREPARED_STATEMENTS=off) gets Django's cursor
    connection.connection.prepare_threshold = None
    try:
        with statement_cursor(connection) as cursor:
            assert not isinstance(cursor.cursor, ServerBindingCursor)
    finally:
        connection.connection.prepare_threshold = threshold


def test_a_frozen_clock_compiles_and_runs_the_query_the_same():
    """freezegun swaps datetime for a subclass: a query first compiled under it still works."""
    from freezegun import freeze_time

    member = make_member(make_organization("Echo"), Role.LEARNER, email="gel@example.test")
    prepared = Prepared(_memberships, user_id=int, now=dt.datetime)  # not compiled yet
    with freeze_time("2026-11-03 10:15:00"):
        now = timezone.now()
        _same(
            prepared.all(user_id=member.user_id, now=now), list(_memberships(member.user_id, now))
        )


def _row(model, pk: int) -> dict[str, object]:
    fields = _fields(model.objects.get(pk=pk))
    fields.pop("id")
    return fields


def test_a_prepared_insert_writes_the_row_the_orm_writes():
    from saveit.accounts.models import PasswordResetRequest
    from saveit.core.prepared import PreparedInsert

    insert = PreparedInsert(PasswordResetRequest)
    when = timezone.now()
    values = {"email_digest": "d" * 64, "ip": "2001:db8::7", "requested_at": when}
    with CaptureQueriesContext(connection) as queries:
        prepared = insert.create(**values)
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT INTO")
    plain = PasswordResetRequest.objects.create(**values)
    assert prepared.pk is not None and prepared.pk != plain.pk
    assert _row(PasswordResetRequest, prepared.pk) == _row(PasswordResetRequest, plain.pk)
    assert _row(PasswordResetRequest, prepared.pk)["ip"] == "2001:db8::7"
    # the instance is the saved row: saving it again updates it, it adds no other
    assert not prepared._state.adding and prepared._state.db == "default"
    prepared.ip = "192.0.2.1"
    prepared.save()
    assert PasswordResetRequest.objects.count() == 2
    assert PasswordResetRequest.objects.get(pk=prepared.pk).ip == "192.0.2.1"
    # the statement is built once per database vendor, then sent again
    sql = insert.sql(connection)
    insert.create(**values)
    assert insert.sql(connection) is sql


def test_a_prepared_insert_fills_the_models_defaults():
    from saveit.accounts.models import SecurityEvent
    from saveit.core.prepared import PreparedInsert

    member = make_member(make_organization("Foxtrot"), Role.LEARNER)
    before = timezone.now()
    event = PreparedInsert(SecurityEvent).create(
        member=member, kind=SecurityEvent.Kind.FORBIDDEN, method="POST", route="/x/"
    )
    stored = SecurityEvent.objects.get(pk=event.pk)
    assert stored.occurred_at == event.occurred_at and stored.occurred_at >= before
    assert stored.object_type == "" and stored.member_id == member.pk


def test_a_model_with_save_receivers_is_saved_by_the_orm_so_none_is_skipped():
    from django.db.models.signals import post_save

    from saveit.accounts.models import PasswordResetRequest
    from saveit.core.prepared import PreparedInsert

    heard: list[tuple[int, bool]] = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((instance.pk, created))

    post_save.connect(receiver, sender=PasswordResetRequest, dispatch_uid="test-prepared-insert")
    try:
        row = PreparedInsert(PasswordResetRequest).create(
            email_digest="e" * 64, ip=None, requested_at=timezone.now()
        )
    finally:
        post_save.disconnect(sender=PasswordResetRequest, dispatch_uid="test-prepared-insert")
    assert heard == [(row.pk, True)]
    assert PasswordResetRequest.objects.filter(pk=row.pk).exists()


def test_a_model_whose_key_the_database_does_not_assign_is_refused():
    from saveit.core.prepared import PreparedInsert

    with pytest.raises(ValueError, match="primary key"):
        PreparedInsert(Session)
