"""The portal's settings for `make bench`, plus two things only the bench has.

- `bench.middleware.QueryCountMiddleware`, outermost: every answer says how many SQL
  queries it cost and how long they took (`X-Bench-Queries`, `X-Bench-SQL-ms`).
- The floor (`bench.urls`): a view that answers with the bytes of a page recorded
  beforehand, through the same middleware, with no database and no template. A page's
  requests per second divided by its floor's is the figure docs/performance.md reports.
"""

from expect.settings import *  # noqa: F403
from expect.settings import MIDDLEWARE

MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
