"""`manage.py audit_verify`: one line per organisation, exit 0 / 1 / 2."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from saveit.audit.models import AuditEvent


def _run(*args: str) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def test_every_holding_chain_is_reported_ok(client_org, other_org):
    output = _run()
    count = AuditEvent.objects.filter(organization=client_org).count()
    assert f"ok {client_org.slug}: {count} events" in output
    assert f"ok {other_org.slug}:" in output


def test_a_single_organisation_can_be_verified(client_org, other_org):
    output = _run("--org", client_org.slug)
    assert client_org.slug in output
    assert other_org.slug not in output


def test_a_broken_chain_fails_naming_the_organisation_and_the_first_broken_seq(
    client_org, other_org, owner
):
    AuditEvent.objects.filter(organization=client_org, seq=2).update(action="test.forged")
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", stdout=out)
    assert failure.value.returncode == 1
    assert f"{client_org.slug} at seq 2" in str(failure.value)
    assert f"BROKEN {client_org.slug}: first broken seq 2" in out.getvalue()
    assert f"ok {other_org.slug}:" in out.getvalue()


def test_an_unknown_organisation_is_a_clear_error(db):
    with pytest.raises(CommandError) as failure:
        _run("--org", "no-such-organisation")
    assert failure.value.returncode == 2
    assert "no-such-organisation" in str(failure.value)


@pytest.mark.parametrize(("tamper", "status"), [(False, 0), (True, 1)])
def test_the_process_exit_status_says_whether_the_chains_hold(
    client_org, owner, tamper, status, capsys
):
    if tamper:
        AuditEvent.objects.filter(organization=client_org, seq=1).delete()
    with pytest.raises(SystemExit) as leaving:
        ManagementUtility(["manage.py", "audit_verify"]).execute()
        raise SystemExit(0)
    assert leaving.value.code == status
    if tamper:
        assert f"{client_org.slug} at seq 1" in capsys.readouterr().err


def test_an_unknown_organisation_exits_with_status_two(db, capsys):
    with pytest.raises(SystemExit) as leaving:
        ManagementUtility(["manage.py", "audit_verify", "--org", "nope"]).execute()
    assert leaving.value.code == 2
    assert "nope" in capsys.readouterr().err
