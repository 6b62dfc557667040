"""Where a person's information lives: one `personal_data(user)` selector per app.

Adding an app is one line in SOURCES: its name in the package, then its selector.

The convention every source follows:
- `personal_data(user) -> dict` returns what the app holds about `user`, JSON-ready (strings,
  numbers, booleans, None, lists, dicts; dates as ISO 8601 strings), in a stable order.
- Police information is never given out by this tool: the Youth Criminal Justice Act
  (s. 125 (6)-(7)) has a school share what the police told it with no one, and the access acts
  let a body refuse information from a police force. A source puts such information under a
  top-level key "police", and privacy.package drops that key (at any depth, for safety) before
  anything else happens to the data.
- Other people may appear only as text (a reviewer's name in a reason, an email address):
  privacy.package replaces every other user's name and email by a role label. A source never
  gives another person's id or a link to their records.

A request may also be about a student, who has no account: STUDENT_SOURCES are the apps
holding information about students, each with a `student_personal_data(*, school, name)`
selector following the same convention (other students replaced by their label by the
source itself, which alone knows them; "police" dropped and users redacted by the package).
"""

from collections.abc import Callable

from accounts.selectors import personal_data as accounts_personal_data
from badges.selectors import personal_data as badges_personal_data
from cases.selectors import personal_data as cases_personal_data
from cases.selectors import student_personal_data as cases_student_personal_data
from credentials.selectors import personal_data as credentials_personal_data
from notifications.selectors import personal_data as notifications_personal_data
from training.selectors import personal_data as training_personal_data

Source = Callable[..., dict]

SOURCES: dict[str, Source] = {
    "accounts": accounts_personal_data,
    "training": training_personal_data,
    "badges": badges_personal_data,
    "credentials": credentials_personal_data,
    "cases": cases_personal_data,
    "notifications": notifications_personal_data,
}

# What Sexto holds about a student (a minor with no account): the case tool only.
STUDENT_SOURCES: dict[str, Source] = {
    "cases": cases_student_personal_data,
}
