"""The datasets of the open data, in the order the documentation page lists them.

Each is declared by the app whose rule selects its rows; this module only gathers them
(as the URL conf gathers the apps' views).
"""

from __future__ import annotations

from labellisation.api import COLLECTIVITIES, LABELS
from missions.api import MISSIONS
from reports.api import REPORTS

from .datasets import Dataset

DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset for dataset in (LABELS, COLLECTIVITIES, MISSIONS, REPORTS)
}
