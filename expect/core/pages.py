"""The context every portal page gives the base template: its title and breadcrumb."""

from __future__ import annotations


def page_context(title: str, *links: dict, **context) -> dict:
    """Title and DSFR breadcrumb (`links`: {"url", "title"} dicts before the current page)."""
    return {
        "title": title,
        "breadcrumb_data": {"links": list(links), "current": title},
        **context,
    }
