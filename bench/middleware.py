"""Counts the SQL queries of each request and says so in two response headers (bench only)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        spent = {"queries": 0, "seconds": 0.0}

        def count(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent["queries"] += 1
                spent["seconds"] += time.perf_counter() - started

        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(spent["queries"])
        response["X-Bench-SQL-ms"] = f"{spent['seconds'] * 1000:.1f}"
        return response
