"""The bulk files, their schemas and the two documentation pages (API and open data).

The API's lists themselves are the viewsets of the apps' `api.py`, routed in urls.py.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, throttle_classes
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from expect.core.pages import page_context

from . import datasets
from .datasets import Dataset
from .registry import DATASETS
from .throttling import DatasetRateThrottle

HTTP_METHODS = ("get", "put", "patch", "post", "delete")


def _dataset(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        raise Http404 from None


@extend_schema(exclude=True)
@api_view(["GET", "HEAD"])
@throttle_classes([DatasetRateThrottle])
def dataset_file(request: Request, name: str, fmt: str) -> HttpResponse:
    """The CSV or JSON file of a dataset, made once per generation (datasets.get)."""
    dataset = _dataset(name)
    built = datasets.get(dataset, fmt)
    response = HttpResponse(built.body, content_type=datasets.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{dataset.filename(fmt)}"'
    response["Last-Modified"] = http_date(built.built_at.timestamp())
    response["Link"] = f'<{reverse("api:dataset_schema", args=[name])}>; rel="describedby"'
    return response


@extend_schema(exclude=True)
@api_view(["GET", "HEAD"])
def dataset_schema(request: Request, name: str) -> Response:
    """The Table Schema of a dataset, its descriptions in the visitor's language."""
    return Response(datasets.table_schema(_dataset(name)))


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(request: Request) -> Response:
    raise NotFound


def _operations(schema: dict) -> list[dict]:
    """The operations of the OpenAPI document, in its order, for the documentation page."""
    rows = []
    for path, item in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                rows.append({"path": path, "method": method.upper(), **item[method]})
    return rows


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation, read from the OpenAPI document the API serves."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    context = {
        "schema": schema,
        "operations": _operations(schema),
        "components": schema.get("components", {}).get("schemas", {}),
        "openapi_url": reverse("api:schema"),
        "open_data_url": reverse("api:open_data"),
        "rate": settings.API_THROTTLE_PER_MINUTE,
        **page_context(_("EXPE-CT public API"), _open_data_link()),
    }
    return render(request, "api/docs.html", context)


def _open_data_link() -> dict:
    return {"url": reverse("api:open_data"), "title": _("Open data")}


def _described(dataset: Dataset) -> dict:
    built = datasets.cached(dataset, "csv")
    return {
        "dataset": dataset,
        "schema": datasets.table_schema(dataset),
        "rows": datasets.row_count(dataset),
        # A file not made yet is made from the data of the moment it is asked for.
        "updated_at": built.built_at if built else timezone.now(),
    }


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    context = {
        "datasets": [_described(dataset) for dataset in DATASETS.values()],
        "licence_url": datasets.LICENCE["path"],
        "docs_url": reverse("api:docs"),
        **page_context(_("Open data")),
    }
    return render(request, "api/open_data.html", context)
