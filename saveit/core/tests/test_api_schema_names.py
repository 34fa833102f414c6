"""Two API schemas with one class name would share one OpenAPI component (the last one wins),
so responses of the other would be documented wrongly: every schema name must be unique."""

from collections import Counter

from ninja import Schema

from saveit.api import api


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_every_api_schema_has_a_name_of_its_own():
    api.get_openapi_schema()  # imports every router's schemas
    ours = [s for s in _subclasses(Schema) if s.__module__.startswith("saveit.")]
    twice = [name for name, n in Counter(s.__name__ for s in ours).items() if n > 1]
    assert twice == []
