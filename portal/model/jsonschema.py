"""JSON Schema of each content type, derived from the same annotations that validate it.

Text editors (VS Code with the YAML extension, for instance) use these files to
check and autocomplete the YAML while volunteers type. Each kind of value brings its
own fragment from the registry in kinds.py.
"""

from __future__ import annotations

from .kinds import object_schema, schema_of

__all__ = ["document", "object_schema", "schema_of"]


def document(cls, name: str, languages) -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{name}.schema.json",
        "title": name,
        **object_schema(cls, languages),
    }
