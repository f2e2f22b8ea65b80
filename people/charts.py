"""Who a person publishes with and how often: the co-author chart's rows.

The template `includes/_chart_coauthors.html` draws them as bars; no chart
library and no request elsewhere.
"""

from dataclasses import dataclass

from people.models import Person

# The chart shows the most frequent few; a prolific member has hundreds.
MAX_COAUTHORS = 24


@dataclass
class Coauthor:
    person: object
    shared: int
    share: int  # percent of the most frequent co-author's count, for the bar


def coauthors(person, *, limit=MAX_COAUTHORS, rows=None):
    """Who person publishes with and how often, most frequent first; two queries.

    rows, when the view already read `Person.objects.frequent_coauthors()`,
    are used as they are instead of asking again.
    """
    if rows is None:
        rows = Person.objects.frequent_coauthors(person, limit)
    rows = list(rows)
    if not rows:
        return []
    most = rows[0].shared or 1
    return [
        Coauthor(person=row, shared=row.shared, share=round(100 * row.shared / most))
        for row in rows
    ]
