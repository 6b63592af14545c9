"""Read-only inlines of the mission admin: the partner's feedback and the follow-ups.

Answers come from the partner, the embassy or the collectivity, never typed by DAECT.
"""

from __future__ import annotations

from django.contrib import admin

from .models import CollectivityFollowUp, PartnerFeedback


class _ReadOnly(admin.StackedInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PartnerFeedbackInline(_ReadOnly):
    model = PartnerFeedback
    fields = readonly_fields = [
        "email",
        "language",
        "sent_at",
        "reminded_at",
        "expires_at",
        "answered_at",
        "answered_via",
        "relayed_by",
        "need_met",
        "usefulness",
        "rating_expertise",
        "rating_organisation",
        "next_steps",
        "comment",
    ]


class FollowUpInline(_ReadOnly):
    model = CollectivityFollowUp
    fields = readonly_fields = [
        "step",
        "asked_at",
        "answered_at",
        "answered_by",
        "continuing_cooperation",
        "cooperation_agreement",
        "other_funding",
        "comment",
    ]
