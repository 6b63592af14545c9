"""What the OpenAPI document says beyond the serializers: the answers that are not 200.

Every operation may answer 429 (the rate limit, with Retry-After), 404 (an unknown
object, or a page past the last) and 400 (a filter it cannot read, or an address the
site's guards refuse, expect/api/middleware.py).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": _("What went wrong.")}},
    "required": ["detail"],
}
INVALID_REQUEST = {
    "description": _(
        "For each filter it could not read, what is wrong with it; or, for a request "
        "refused before, the reason (detail)."
    ),
    "anyOf": [
        {"$ref": "#/components/schemas/Error"},
        {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    ],
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
    schemas["InvalidRequest"] = INVALID_REQUEST
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
            responses.setdefault("400", _json("InvalidRequest", _("The request was not valid.")))
    return result
