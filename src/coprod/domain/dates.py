"""Which business dates can already have happened, for the rules that check dates.

Business dates (a decision's date, a hearing's answer) carry no time zone: a council records
the date it uses locally. The write side cannot know that zone, so "not in the future" means
"not after today anywhere on Earth": the date at UTC+14, the most eastern offset in use.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

#: The most eastern UTC offset in use (Kiribati, Line Islands).
_EASTERNMOST = timedelta(hours=14)


def latest_today(now: datetime | None = None) -> date:
    """The latest date that is today somewhere: a business date after it is in the future."""
    return ((now or datetime.now(UTC)).astimezone(UTC) + _EASTERNMOST).date()


def recording_date(now: datetime | None = None) -> date:
    """Today's date in UTC: the business date a command without one is given."""
    return (now or datetime.now(UTC)).astimezone(UTC).date()
