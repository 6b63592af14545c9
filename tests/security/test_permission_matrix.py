"""Who reaches what: every URL of the site, visited as every role, against objects of each owner.

The table below has one row per URL pattern of the URL conf, found by walking the
resolver: a new view without a row makes `test_every_url_pattern_has_a_row` fail and
list it. Each row says, for each role, what a GET (and, for the views that change
something, a POST) must answer: 200, a redirection to the sign-in page (LOGIN), 302
elsewhere, 403, 404 or 405. Every POST is rolled back, so that the rows do not depend
on each other.

Uploaded documents are only served through views that check permissions: no URL
pattern serves MEDIA_URL, and no page shows a storage URL or name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.security.world import ROLES, World

LOGIN = "sign-in page"
ADMIN_LOGIN = "admin sign-in page"
MEMBERS_OF_A = ("member_a", "referent_a", "expert_on", "expert_off")


def expect(default, *groups: dict, visitor=LOGIN, **roles) -> dict[str, object]:
    """What each role gets: `default` unless a group or a keyword says otherwise (later ones
    win); a visitor is sent to sign in."""
    outcomes = {"visitor": visitor, **dict.fromkeys(ROLES[1:], default)}
    for group in (*groups, roles):
        unknown = set(group) - set(ROLES)
        assert not unknown, unknown
        outcomes.update(group)
    return outcomes


def everyone(status) -> dict[str, object]:
    return dict.fromkeys(ROLES, status)


def of_a(status, **roles) -> dict[str, object]:
    """`status` for the four confirmed members of collectivity A."""
    return {**dict.fromkeys(MEMBERS_OF_A, status), **roles}


@dataclass
class Case:
    url: Callable[[World], str]
    get: dict[str, object]
    post: dict[str, object] | None = None
    data: Callable[[World], dict] = field(default=lambda w: {})


def _url(name: str, *args: str) -> Callable[[World], str]:
    """reverse(name) with the pks of the world's objects named in `args` ("=text": as is)."""
    return lambda world: reverse(name, args=[_arg(world, a) for a in args])


def _arg(world: World, name: str):
    if name.startswith("="):
        return name[1:]
    return world.objects[name].pk


def _mission_url(name: str, *extra: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.mission.pk, *[_arg(w, e) for e in extra]])


# --- The table: one entry per URL pattern name, each a list of cases. --------------------

ACCOUNTS = {
    "accounts:login": [Case(_url("accounts:login"), expect(302, visitor=200))],
    "accounts:logout": [
        Case(_url("accounts:logout"), everyone(405), post=everyone(302)),
    ],
    "accounts:register": [Case(_url("accounts:register"), expect(302, visitor=200))],
    "accounts:register_done": [Case(_url("accounts:register_done"), everyone(200))],
    "accounts:confirm_email": [
        # A forged link: a clear page, never a confirmation.
        Case(
            _url("accounts:confirm_email", "=MQ", "=forged-token"),
            everyone(400),
            post=everyone(400),
        )
    ],
    "accounts:resend_confirmation": [Case(_url("accounts:resend_confirmation"), everyone(200))],
    "accounts:profile": [Case(_url("accounts:profile"), expect(200))],
    "accounts:password_change": [Case(_url("accounts:password_change"), expect(200))],
    "accounts:password_reset": [Case(_url("accounts:password_reset"), everyone(200))],
    "accounts:password_reset_done": [Case(_url("accounts:password_reset_done"), everyone(200))],
    "accounts:password_reset_confirm": [
        Case(_url("accounts:password_reset_confirm", "=MQ", "=set-password"), everyone(200))
    ],
    "accounts:password_reset_complete": [
        Case(_url("accounts:password_reset_complete"), everyone(200))
    ],
}

ORGANISATIONS = {
    "organisations:search": [Case(_url("organisations:search"), everyone(200))],
    "organisations:my_collectivity": [
        Case(
            _url("organisations:my_collectivity"),
            expect(404, of_a(200), member_b=200),
            # Experts read the profile; only members edit it.
            post=expect(404, of_a(200, expert_on=403, expert_off=403), member_b=200),
        )
    ],
    "organisations:members": [
        Case(_url("organisations:members"), expect(404, of_a(200), member_b=200))
    ],
    "organisations:membership_confirm": [
        Case(
            _url("organisations:membership_confirm", "pending"),
            expect(405),
            post=expect(404, of_a(403), referent_a=302),
        )
    ],
    "organisations:membership_refuse": [
        Case(
            _url("organisations:membership_refuse", "pending"),
            expect(405),
            post=expect(404, of_a(403), referent_a=302),
            data=lambda w: {"reason": "Inconnu du service."},
        )
    ],
    "organisations:my_embassy": [
        Case(_url("organisations:my_embassy"), expect(404, embassy_x=200, embassy_y=200))
    ],
}

LABELLISATION = {
    "labellisation:application_list": [
        # Experts do not apply for labels.
        Case(
            _url("labellisation:application_list"),
            expect(404, of_a(200, expert_on=404, expert_off=404), member_b=200),
        )
    ],
    "labellisation:application_create": [
        Case(
            _url("labellisation:application_create"),
            expect(404, member_a=200, referent_a=200, member_b=200),
        )
    ],
    "labellisation:application_detail": [
        Case(_url("labellisation:application_detail", "draft"), expect(404, of_a(200), daect=200)),
        # The embassy DAECT asked for an opinion reads the submitted dossier.
        Case(
            _url("labellisation:application_detail", "submitted"),
            expect(404, of_a(200), embassy_x=200, daect=200),
        ),
    ],
    "labellisation:application_step": [
        Case(
            _url("labellisation:application_step", "draft", f"={step}"),
            expect(404, member_a=200, referent_a=200),
            # An empty post: the form again with its errors (an unticked commitment is valid).
            post=expect(404, member_a=status, referent_a=status),
        )
        for step, status in [
            ("expertise", 200),
            ("cooperation", 200),
            ("experts", 200),
            ("documents", 200),
            ("commitment", 302),
        ]
    ],
    "labellisation:application_submit": [
        Case(
            _url("labellisation:application_submit", "draft"),
            expect(405),
            # Those who read the dossier but may not act on it are told so (403).
            post=expect(404, of_a(403), member_a=302, referent_a=302, daect=403),
            data=lambda w: {"confirmed": "1"},
        )
    ],
    "labellisation:application_resubmit": [
        Case(
            _url("labellisation:application_resubmit", "draft"),
            expect(405),
            post=expect(404, of_a(403), member_a=302, referent_a=302, daect=403),
        )
    ],
    "labellisation:application_withdraw": [
        Case(
            _url("labellisation:application_withdraw", "submitted"),
            expect(405),
            post=expect(404, of_a(403), member_a=302, referent_a=302, embassy_x=403, daect=403),
            data=lambda w: {"confirmed": "1"},
        )
    ],
    "labellisation:application_message": [
        Case(
            _url("labellisation:application_message", "submitted"),
            expect(405),
            post=expect(404, of_a(403), member_a=302, referent_a=302, embassy_x=403, daect=302),
            data=lambda w: {"text": "Voici la délibération demandée."},
        )
    ],
    "labellisation:attachment_download": [
        Case(
            _url("labellisation:attachment_download", "draft", "attachment"),
            expect(404, of_a(200), daect=200),
        ),
        Case(
            _url("labellisation:attachment_download", "submitted", "submitted_attachment"),
            expect(404, of_a(200), embassy_x=200, daect=200),
        ),
        # An attachment asked for through another dossier's URL is not found.
        Case(
            _url("labellisation:attachment_download", "submitted", "attachment"),
            expect(404),
        ),
    ],
    "labellisation:attachment_delete": [
        Case(
            _url("labellisation:attachment_delete", "draft", "attachment"),
            expect(405),
            post=expect(404, member_a=302, referent_a=302),
            data=lambda w: {"confirmed": "1"},
        )
    ],
    "labellisation:opinion_list": [Case(_url("labellisation:opinion_list"), expect(200))],
    "labellisation:opinion_give": [
        Case(
            _url("labellisation:opinion_give", "opinion"),
            expect(404, embassy_x=200),
            post=expect(404, embassy_x=302),
            data=lambda w: {
                "recommendation": "favourable",
                "text": "Avis favorable.",
                "conflict": "none",
            },
        )
    ],
    "labellisation:label_certificate": [
        Case(_url("labellisation:label_certificate", "label"), expect(404, of_a(200), daect=200))
    ],
    "labellisation:application_receipt": [
        Case(
            _url("labellisation:application_receipt", "submitted"),
            expect(404, of_a(200), daect=200),
        )
    ],
    "labellisation:committee_detail": [
        Case(_url("labellisation:committee_detail", "committee"), expect(404, daect=200))
    ],
    "labellisation:committee_decide": [
        Case(
            _url("labellisation:committee_decide", "committee"),
            expect(404, daect=405),
            # Without the decisions' management form, the page comes back with its errors.
            post=expect(404, daect=200),
        )
    ],
    "labellisation:committee_agenda": [
        Case(_url("labellisation:committee_agenda", "committee"), expect(404, daect=200))
    ],
    "labellisation:committee_minutes": [
        Case(_url("labellisation:committee_minutes", "committee"), expect(404, daect=200))
    ],
    "labellisation:catalogue": [Case(_url("labellisation:catalogue"), everyone(200))],
    "labellisation:collectivity_detail": [
        Case(_url("labellisation:collectivity_detail", "collectivity_a"), everyone(200)),
        # A collectivity without a label has no page in the catalogue.
        Case(_url("labellisation:collectivity_detail", "collectivity_b"), everyone(404)),
    ],
    "labellisation:verify_form": [Case(_url("labellisation:verify_form"), everyone(200))],
    "labellisation:verify": [
        Case(
            lambda w: reverse("labellisation:verify", args=[w.label.verification_code]),
            everyone(200),
        )
    ],
}

MISSIONS = {
    "missions:request_list": [
        Case(_url("missions:request_list"), expect(404, embassy_x=200, embassy_y=200, daect=200))
    ],
    "missions:request_create": [
        Case(
            _url("missions:request_create"),
            expect(404, embassy_x=200, embassy_y=200),
            post=expect(404, embassy_x=200, embassy_y=200),
        )
    ],
    "missions:request_detail": [
        Case(_url("missions:request_detail", "need"), expect(404, embassy_x=200, daect=200))
    ],
    "missions:request_edit": [
        Case(
            _url("missions:request_edit", "need"),
            expect(404, embassy_x=200, daect=403),
            post=expect(404, embassy_x=200, daect=403),
        )
    ],
    "missions:request_submit": [
        Case(
            _url("missions:request_submit", "need"),
            expect(405),
            post=expect(404, embassy_x=302, daect=403),
        )
    ],
    "missions:request_attachment_add": [
        Case(
            _url("missions:request_attachment_add", "need"),
            expect(405),
            post=expect(404, embassy_x=302, daect=403),
        )
    ],
    "missions:request_attachment": [
        Case(
            _url("missions:request_attachment", "need", "need_attachment"),
            expect(404, embassy_x=200, daect=200),
        )
    ],
    "missions:request_attachment_delete": [
        Case(
            _url("missions:request_attachment_delete", "need", "need_attachment"),
            expect(405),
            post=expect(404, embassy_x=302, daect=403),
            data=lambda w: {"confirmed": "1"},
        )
    ],
    "missions:request_matching": [
        Case(_url("missions:request_matching", "need"), expect(404, daect=200))
    ],
    "missions:proposal_list": [
        Case(
            _url("missions:proposal_list"),
            expect(404, member_a=200, referent_a=200, member_b=200, daect=200),
        )
    ],
    "missions:proposal_detail": [
        Case(
            _url("missions:proposal_detail", "proposal"),
            expect(404, member_a=200, referent_a=200, daect=200),
        )
    ],
    "missions:proposal_accept": [
        Case(
            _url("missions:proposal_accept", "proposal"),
            expect(405),
            post=expect(404, member_a=200, referent_a=200, daect=403),
        )
    ],
    "missions:proposal_decline": [
        Case(
            _url("missions:proposal_decline", "proposal"),
            expect(405),
            post=expect(404, member_a=302, referent_a=302, daect=403),
            data=lambda w: {"reason": "Pas d’expert disponible à ces dates."},
        )
    ],
    "missions:proposal_confirm": [
        Case(
            _url("missions:proposal_confirm", "proposal"),
            expect(404, daect=405),
            post=expect(404, daect=302),
            data=lambda w: {"confirmed": "1"},
        )
    ],
    "missions:mission_list": [Case(_url("missions:mission_list"), expect(200))],
    "missions:mission_detail": [
        Case(
            _url("missions:mission_detail", "mission"),
            expect(404, of_a(200), embassy_x=200, daect=200),
        )
    ],
    "missions:mission_sheet": [
        Case(
            _url("missions:mission_sheet", "mission"),
            expect(404, of_a(200), embassy_x=200, daect=200),
        )
    ],
    # No account: the token alone opens the partner's form; a wrong one opens nothing.
    "missions:partner_feedback": [
        Case(
            _url("missions:partner_feedback", "=pas-un-jeton"),
            everyone(404),
            post=everyone(404),
        )
    ],
    "missions:feedback_relay": [
        Case(
            _url("missions:feedback_relay", "mission"),
            expect(404, embassy_x=200, daect=200),
            post=expect(404, embassy_x=200, daect=200),
        )
    ],
    "missions:follow_up": [
        Case(_url("missions:follow_up", "mission", "=6m"), expect(404), post=expect(404))
    ],
}

SEE_REPORT = of_a(200, embassy_x=200, daect=200)
REPORTS = {
    "reports:report_detail": [Case(_mission_url("reports:report_detail"), expect(404, SEE_REPORT))],
    "reports:report_start": [
        Case(
            _mission_url("reports:report_start"),
            expect(405),
            post=expect(404, of_a(403), expert_on=302, embassy_x=403, daect=403),
        )
    ],
    "reports:report_edit": [
        Case(
            _mission_url("reports:report_edit"),
            expect(404, of_a(403), expert_on=200, embassy_x=403, daect=403),
            post=expect(404, of_a(403), expert_on=200, embassy_x=403, daect=403),
        )
    ],
    "reports:report_file": [Case(_mission_url("reports:report_file"), expect(404, SEE_REPORT))],
    "reports:report_annex_add": [
        Case(
            _mission_url("reports:report_annex_add"),
            expect(405),
            post=expect(404, of_a(403), expert_on=302, embassy_x=403, daect=403),
        )
    ],
    "reports:report_annex": [
        Case(_mission_url("reports:report_annex", "annex"), expect(404, SEE_REPORT))
    ],
    "reports:report_annex_delete": [
        Case(
            _mission_url("reports:report_annex_delete", "annex"),
            expect(405),
            post=expect(404, of_a(403), expert_on=302, embassy_x=403, daect=403),
            data=lambda w: {"confirmed": "1"},
        )
    ],
    "reports:report_submit": [
        Case(
            _mission_url("reports:report_submit"),
            expect(405),
            post=expect(404, of_a(403), expert_on=302, embassy_x=403, daect=403),
            data=lambda w: {"confirmed": "1"},
        )
    ],
    "reports:report_comment": [
        Case(
            _mission_url("reports:report_comment"),
            expect(405),
            # A draft is not open to comments, even for the embassy of the country.
            post=expect(404, of_a(403), embassy_x=403, daect=403),
            data=lambda w: {"text": "Merci pour ce rapport."},
        ),
        Case(
            lambda w: reverse("reports:report_comment", args=[w.published.mission_id]),
            expect(405),
            post=expect(404, of_a(403), embassy_x=302, daect=403),
            data=lambda w: {"text": "Merci pour ce rapport."},
        ),
    ],
    "reports:library": [Case(_url("reports:library"), everyone(200))],
    "reports:booklet": [
        # Anyone may ask: the booklet is being prepared (202), then served.
        Case(lambda w: reverse("reports:booklet") + f"?theme={w.theme.pk}", everyone(202))
    ],
    "reports:library_report": [
        Case(_url("reports:library_report", "published"), everyone(200)),
        # A report that is not published is not in the library, whoever asks.
        Case(_url("reports:library_report", "report"), everyone(404)),
    ],
    "reports:library_report_file": [
        Case(_url("reports:library_report_file", "published"), everyone(200)),
        Case(_url("reports:library_report_file", "report"), everyone(404)),
    ],
    "reports:figures": [Case(_url("reports:figures"), everyone(200))],
    "reports:figures_csv": [Case(_url("reports:figures_csv"), everyone(200))],
}

CORE = {
    "healthz": [Case(lambda w: reverse("healthz"), everyone(200))],
    "core:home": [Case(_url("core:home"), everyone(200))],
    "core:dashboard": [Case(_url("core:dashboard"), expect(200))],
    "core:saved_filter_create": [
        Case(
            _url("core:saved_filter_create"),
            expect(404, daect=405),
            post=expect(404, daect=302),
            data=lambda w: {
                "name": "À instruire",
                "path": reverse("admin:labellisation_labelapplication_changelist"),
                "query": "assigned=me&state__exact=submitted",
            },
        )
    ],
    "core:saved_filter_delete": [
        Case(
            _url("core:saved_filter_delete", "saved_filter"),
            expect(404, daect=405),
            post=expect(404, daect=302),
        )
    ],
    "core:accessibility": [Case(_url("core:accessibility"), everyone(200))],
    "core:legal": [Case(_url("core:legal"), everyone(200))],
    "core:privacy": [Case(_url("core:privacy"), everyone(200))],
    "set_language": [
        Case(
            _url("set_language"),
            everyone(302),
            post=everyone(302),
            data=lambda w: {"language": "en", "next": "/"},
        )
    ],
}

# Pages of the account's own settings (e-mail change, second factor, GDPR export) and of
# notifications: each person reaches their own, a visitor signs in first.
OWN_ACCOUNT = {
    "accounts:email_change": [Case(_url("accounts:email_change"), expect(200), post=expect(200))],
    "accounts:email_change_cancel": [
        Case(_url("accounts:email_change_cancel"), expect(405), post=expect(302))
    ],
    "accounts:email_change_confirm": [
        Case(
            _url("accounts:email_change_confirm", "=forged-token"),
            everyone(400),
            post=everyone(400),
        )
    ],
    "accounts:otp_verify": [Case(_url("accounts:otp_verify"), expect(302), post=expect(302))],
    "accounts:otp_enrol": [Case(_url("accounts:otp_enrol"), expect(200), post=expect(200))],
    # The e-mailed enrolment link: a forged one opens nothing, for anyone signed in.
    "accounts:otp_enrol_link": [
        Case(_url("accounts:otp_enrol_link", "=forged-token"), expect(400), post=expect(405))
    ],
    "accounts:otp_backup_codes": [
        Case(_url("accounts:otp_backup_codes"), expect(302), post=expect(302))
    ],
    "accounts:otp_disable": [Case(_url("accounts:otp_disable"), expect(405), post=expect(302))],
    "accounts:personal_data_export": [
        Case(_url("accounts:personal_data_export"), expect(200), post=expect(405))
    ],
    "accounts:security": [Case(_url("accounts:security"), expect(200), post=expect(405))],
    # A passkey is only ever one's own: another's, or none, is not found.
    "accounts:passkey": [Case(_url("accounts:passkey", "=999999"), expect(405), post=expect(404))],
    # django-otp-webauthn's JSON endpoints (expect/accounts/passkeys_urls.py): a ceremony is
    # begun by POST only; finishing one that was never begun is refused.
    "otp_webauthn:credential-registration-begin": [
        Case(
            _url("otp_webauthn:credential-registration-begin"),
            expect(405, visitor=403),
            post=expect(200, visitor=403),
        )
    ],
    "otp_webauthn:credential-registration-complete": [
        Case(
            _url("otp_webauthn:credential-registration-complete"),
            expect(405, visitor=403),
            post=expect(400, visitor=403),
        )
    ],
    "otp_webauthn:credential-authentication-begin": [
        Case(
            _url("otp_webauthn:credential-authentication-begin"),
            everyone(405),
            post=everyone(200),
        )
    ],
    "otp_webauthn:credential-authentication-complete": [
        Case(
            _url("otp_webauthn:credential-authentication-complete"),
            everyone(405),
            post=everyone(400),
        )
    ],
    "otp_webauthn:js-i18n-catalog": [
        Case(_url("otp_webauthn:js-i18n-catalog"), everyone(200), post=everyone(405))
    ],
    "notifications:preferences": [
        Case(_url("notifications:preferences"), expect(200), post=expect(200))
    ],
    "notifications:deadlines": [
        Case(_url("notifications:deadlines"), expect(200), post=expect(405))
    ],
    "notifications:renew_feed": [
        Case(_url("notifications:renew_feed"), expect(405), post=expect(302))
    ],
    # A forged feed token finds nothing; the feed is read by calendars, never posted to.
    # The true token opens the member of A's feed to whoever holds it: it is the key.
    "notifications:calendar_feed": [
        Case(
            _url("notifications:calendar_feed", "=forged-token"),
            everyone(404),
            post=everyone(405),
        ),
        Case(
            lambda w: reverse("notifications:calendar_feed", args=[w.feed.token]),
            everyone(200),
            post=everyone(405),
        ),
    ],
}
DISCARD = {
    "labellisation:application_discard": [
        Case(
            _url("labellisation:application_discard", "draft"),
            expect(405),
            post=expect(404, of_a(403), member_a=302, referent_a=302, daect=403),
            data=lambda w: {"confirmed": "1"},
        )
    ],
    "missions:request_discard": [
        Case(
            _url("missions:request_discard", "need"),
            expect(405),
            post=expect(404, embassy_x=302, daect=403),
        )
    ],
}

# The public API and the open data: open to all, read only, the same for every role
# (nobody signs in to the API). Rate limits are off here (tests/api/test_throttling.py).
API = {
    "api:label-list": [Case(_url("api:label-list"), everyone(200), post=everyone(405))],
    "api:label-detail": [
        Case(_url("api:label-detail", "label"), everyone(200), post=everyone(405)),
    ],
    "api:collectivity-list": [
        Case(_url("api:collectivity-list"), everyone(200), post=everyone(405))
    ],
    "api:collectivity-detail": [
        Case(_url("api:collectivity-detail", "collectivity_a"), everyone(200)),
        # Not labelled: no public page, and nothing in the API either.
        Case(_url("api:collectivity-detail", "collectivity_b"), everyone(404)),
    ],
    "api:mission-list": [Case(_url("api:mission-list"), everyone(200), post=everyone(405))],
    "api:mission-detail": [
        Case(lambda w: reverse("api:mission-detail", args=[w.published.mission_id]), everyone(200)),
    ],
    "api:report-list": [Case(_url("api:report-list"), everyone(200), post=everyone(405))],
    "api:report-detail": [
        Case(_url("api:report-detail", "published"), everyone(200)),
        Case(_url("api:report-detail", "report"), everyone(404)),
    ],
    "api:schema": [Case(_url("api:schema"), everyone(200), post=everyone(405))],
    "api:docs": [Case(_url("api:docs"), everyone(200), post=everyone(405))],
    "api:dataset": [
        Case(_url("api:dataset", "=reports", "=csv"), everyone(200), post=everyone(405)),
        Case(_url("api:dataset", "=experts", "=csv"), everyone(404)),
    ],
    "api:dataset_schema": [
        Case(_url("api:dataset_schema", "=missions"), everyone(200), post=everyone(405)),
    ],
    "api:not_found": [Case(lambda w: "/api/v1/experts/", everyone(404), post=everyone(404))],
    "api:open_data": [Case(_url("api:open_data"), everyone(200), post=everyone(405))],
}


@pytest.fixture(autouse=True)
def _no_api_rate_limit(settings):
    settings.API_THROTTLE_PER_MINUTE = 0
    settings.API_DATASET_THROTTLE_PER_HOUR = 0


TABLE: dict[str, list[Case]] = {
    **OWN_ACCOUNT,
    **DISCARD,
    **ACCOUNTS,
    **ORGANISATIONS,
    **LABELLISATION,
    **MISSIONS,
    **REPORTS,
    **CORE,
    **API,
}


# --- Walking the URL conf. ------------------------------------------------------------


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    """(route, full name) for every URL pattern, included ones too."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from walk(pattern, route, ns)
        else:
            assert isinstance(pattern, URLPattern)
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield route, name


def site_patterns() -> list[tuple[str, str | None]]:
    return [(route, name) for route, name in walk(get_resolver()) if not route.startswith("admin/")]


def admin_patterns() -> list[tuple[str, str | None]]:
    return [(route, name) for route, name in walk(get_resolver()) if route.startswith("admin/")]


def test_every_url_pattern_has_a_row():
    unnamed = [route for route, name in site_patterns() if name is None]
    missing = sorted({name for _route, name in site_patterns() if name and name not in TABLE})
    assert not unnamed, f"URL patterns without a name (name them to give them a row): {unnamed}"
    assert not missing, (
        "URL patterns without a row in tests/security/test_permission_matrix.py; add what "
        "each role must get:\n  " + "\n  ".join(missing)
    )


def test_every_row_is_a_url_pattern():
    names = {name for _route, name in site_patterns()}
    assert not sorted(set(TABLE) - names)


ADMIN_SITE_VIEWS = {
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "autocomplete",
    "jsi18n",
    "view_on_site",
    "app_list",
    # The user admin's own password form, under the name Django gives it whatever the model.
    "auth_user_password_change",
}
# What a ModelAdmin adds (django-simple-history its history pages, django-otp the QR code
# of an authenticator); all go through admin_site.admin_view, so staff only.
# "object_action": a decision from the object's page (expect/core/admin_actions.py), each
# under its own permission: tests/core/test_admin_permissions.py walks them all.
MODEL_VIEWS = (
    "changelist",
    "add",
    "change",
    "delete",
    "history",
    "simple_history",
    "object_action",
)
MODEL_EXTRA_VIEWS = {"otp_totp_totpdevice": ("config", "qrcode")}


def _is_model_view(view: str, models: set[str]) -> bool:
    for model in models:
        action = view.removeprefix(f"{model}_")
        if action != view and action in (*MODEL_VIEWS, *MODEL_EXTRA_VIEWS.get(model, ())):
            return True
    return False


def test_the_admin_has_only_the_sites_views_and_those_of_registered_models():
    models = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    unexpected = []
    for route, name in admin_patterns():
        if name is None:
            # Django's redirections of old change URLs and its final catch-all (which
            # answers 404 or sends to sign in): nothing to reach there.
            assert route.endswith(("<path:object_id>/", "(?P<url>.*)$")), route
            continue
        view = name.removeprefix("admin:")
        if view not in ADMIN_SITE_VIEWS and not _is_model_view(view, models):
            unexpected.append(name)
    assert not unexpected, f"admin views with no rule in the permission matrix: {unexpected}"


# --- Visiting (the data set, built once per module, is in conftest.py). ----------------------


def _sign_in(client, world: World, role: str) -> None:
    client.logout()
    if world.users[role] is not None:
        client.force_login(world.users[role])


def _outcome(response) -> object:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("accounts:login")):
            return LOGIN
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
    return response.status_code


def _storage_traces(world: World) -> list[str]:
    """What would give away a stored file: its name in storage and its media URL."""
    files = [
        world.attachment.file,
        world.submitted_attachment.file,
        world.need_attachment.file,
        world.report.file,
        world.annex.file,
        world.published.file,
    ]
    return [trace for f in files for trace in (f.name, f.url)]


def _visit(client, world: World, case: Case, method: str) -> dict[str, object]:
    """What each role gets; every request is rolled back, and no page shows a stored file."""
    traces = _storage_traces(world)
    outcomes = {}
    url = case.url(world)
    for role in ROLES:
        _sign_in(client, world, role)
        with transaction.atomic():
            response = client.get(url) if method == "get" else client.post(url, case.data(world))
            transaction.set_rollback(True)
        outcomes[role] = _outcome(response)
        if response.get("Content-Type", "").startswith("text/html"):
            page = response.content.decode()
            shown = [t for t in traces if t in page]
            assert not shown, f"{url} as {role} shows stored files: {shown}"
        if response.streaming:
            # Read to the end, as a server would: the client then closes the response
            # without closing the database connection (which would end the data set's
            # transaction on PostgreSQL).
            b"".join(response.streaming_content)
    return outcomes


def _mismatches(expected: dict, actual: dict) -> str:
    rows = [
        f"  {r:<11} expected {expected[r]!s:<20} got {actual[r]}"
        for r in ROLES
        if expected[r] != actual[r]
    ]
    return "\n".join(rows)


CASES = [(name, i) for name, cases in TABLE.items() for i in range(len(cases))]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index"), CASES, ids=[f"{n}[{i}]" for n, i in CASES])
def test_each_role_gets_what_the_table_says(client, world, name, index):
    case = TABLE[name][index]
    actual = _visit(client, world, case, "get")
    assert actual == case.get, f"GET {case.url(world)}\n{_mismatches(case.get, actual)}"
    if case.post is not None:
        actual = _visit(client, world, case, "post")
        assert actual == case.post, f"POST {case.url(world)}\n{_mismatches(case.post, actual)}"


# --- The admin: DAECT only. ---------------------------------------------------------------

NOT_STAFF = ("visitor", "member_a", "referent_a", "expert_on", "embassy_x")


def _admin_pages(world: World) -> list[str]:
    """Every changelist, the index, and the change and history pages of a few dossiers."""
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        pages.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    for obj in (world.draft, world.need, world.mission, world.report, world.label):
        info = f"admin:{obj._meta.app_label}_{obj._meta.model_name}"
        pages += [
            reverse(f"{info}_change", args=[obj.pk]),
            reverse(f"{info}_history", args=[obj.pk]),
        ]
    return pages


@pytest.mark.django_db
def test_only_daect_reaches_the_admin(client, world):
    traces = _storage_traces(world)
    wrong = []
    for url in _admin_pages(world):
        for role in (*NOT_STAFF, "daect"):
            _sign_in(client, world, role)
            response = client.get(url)
            expected = 200 if role == "daect" else ADMIN_LOGIN
            if _outcome(response) != expected:
                wrong.append(f"{url} as {role}: {_outcome(response)}, expected {expected}")
            elif role == "daect":
                shown = [t for t in traces if t in response.content.decode()]
                assert not shown, f"{url} shows stored files: {shown}"
    assert not wrong, "\n".join(wrong)


# --- Uploaded files: never from MEDIA_URL. --------------------------------------------------


@pytest.mark.django_db
def test_no_url_pattern_serves_the_uploaded_files(client, world):
    _sign_in(client, world, "daect")
    for stored in (world.attachment.file, world.need_attachment.file, world.annex.file):
        assert stored.url.startswith(settings.MEDIA_URL)
        with pytest.raises(Resolver404):
            resolve(stored.url)
        assert client.get(stored.url).status_code == 404
