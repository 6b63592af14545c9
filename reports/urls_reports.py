from django.urls import path

from .views import reports

REPORT = "missions/<int:mission_pk>/rapport/"

urlpatterns = [
    path(REPORT, reports.report_detail, name="report_detail"),
    path(f"{REPORT}commencer/", reports.report_start, name="report_start"),
    path(f"{REPORT}modifier/", reports.report_edit, name="report_edit"),
    path(f"{REPORT}fichier/", reports.report_file, name="report_file"),
    path(f"{REPORT}annexes/", reports.report_annex_add, name="report_annex_add"),
    path(f"{REPORT}annexes/<int:annex_pk>/", reports.report_annex, name="report_annex"),
    path(
        f"{REPORT}annexes/<int:annex_pk>/supprimer/",
        reports.report_annex_delete,
        name="report_annex_delete",
    ),
    path(f"{REPORT}remettre/", reports.report_submit, name="report_submit"),
    path(f"{REPORT}commentaire/", reports.report_comment, name="report_comment"),
]
