"""Pages of the API's lists: numbered, of API_PAGE_SIZE rows unless asked otherwise."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """`?page=2&page_size=100`; two queries per page whatever its size (count and rows)."""

    page_size_query_param = "page_size"
    page_query_description = _("Number of the page, from 1.")
    page_size_query_description = _("Rows per page.")
    invalid_page_message = _("This page does not exist.")

    def get_page_size(self, request):
        # Read at each request, so that a setting changed in a test or by an operator applies.
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=settings.API_MAX_PAGE_SIZE)
        return parameters
