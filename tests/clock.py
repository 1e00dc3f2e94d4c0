"""The tests' "today": the app's date in Europe/London, not the machine's local date.

Between midnight UTC and 01:00 in British Summer Time (or on a machine set to another zone) the two
differ, and a test that built its dates from the machine's date would disagree with the app's checks
("today or earlier", due dates). Every test asks this helper instead.
"""

from __future__ import annotations

from datetime import date

from webapp.formatting import today_in_london


def london_today() -> date:
    """Today's date in Europe/London, as the app computes it (follows time-machine travel too)."""
    return today_in_london()
