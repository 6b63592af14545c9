"""What the OpenAPI document says beyond the serializers: the answers that are not 200.

Every operation may answer 429 (the rate limit, with Retry-After) and 404 (an unknown
object, or a page past the last); a list may answer 400 (a filter it cannot read).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": _("What went wrong.")}},
    "required": ["detail"],
}
INVALID_FILTERS = {
    "type": "object",
    "description": _("For each filter it could not read, what is wrong with it."),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _json(schema_name: str, description) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}
        },
    }


def add_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["InvalidFilters"] = INVALID_FILTERS
    throttled = _json("Error", _("Too many requests: wait the seconds given by Retry-After."))
    throttled["headers"] = {
        "Retry-After": {
            "description": _("Seconds to wait before the next request."),
            "schema": {"type": "integer"},
        }
    }
    for item in result.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("404", _json("Error", _("No such object, or no such page.")))
            responses.setdefault("429", throttled)
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                responses.setdefault("400", _json("InvalidFilters", _("A filter was not valid.")))
    return result
