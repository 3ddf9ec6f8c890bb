"""The demo county of ``manage.py load_demo``.

A fictional county's "一区五园" (the zone ``DEMO`` and five sub-parks). Its
2023 records reproduce the figures of the 2023 duty report (seeds/002): 50
enterprises (42 operating, 8 under construction), 29 covered by a founded
organization, 83 members, 6 secretary trainings with 24 person-times, 26
infrastructure requests, 43 talent flats for 53 people, 17 children placed in
school, 10 authorised posts with 6 filled, 5000-yuan start-up funds, a
150-yuan monthly secretary allowance and 2000–6000-yuan performance awards.
Lighter 2024 and 2025 records give trends.

Every record is written through the services with its history entry taking
effect when the change happened (``effective_at``), so the figures' "as of"
reads (:func:`parkparty.core.history.as_of`) see each year's state.
The tables of :mod:`.data` are the plan; :class:`.builder.DemoBuilder` turns them into records
with a fixed random seed, so every run builds the same county.
"""

from .data import DEMO_CODE, DEMO_PASSWORD
from .load import DemoResult, ensure_users, load_demo

__all__ = ["DEMO_CODE", "DEMO_PASSWORD", "DemoResult", "ensure_users", "load_demo"]
