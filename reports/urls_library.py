from django.urls import path

from .views import booklets, figures, library

urlpatterns = [
    path("bibliotheque/", library.library, name="library"),
    path("bibliotheque/livret.pdf", booklets.booklet, name="booklet"),
    path("bibliotheque/<int:pk>/", library.library_report, name="library_report"),
    path(
        "bibliotheque/<int:pk>/rapport.pdf", library.library_report_file, name="library_report_file"
    ),
    path("chiffres/", figures.figures, name="figures"),
    path("chiffres/chiffres.csv", figures.figures_csv, name="figures_csv"),
]
