"""The Sexto kit's delays, in one place: what the method expects and when a step is late.

The kit promises speed: the report, the meetings, the device, the grid and the police contact
the day the situation is confided; a prosecutor (DPCP) qualifies the act within about 24 hours
of the hand-off; files close in about 4 days. The case page (cases.progress), the reminders
(cases.reminders) and the dashboard (cases.metrics) all read these.
"""

import datetime

# The school's steps, from the moment the situation was confided (Case.told_at).
SCHOOL_STEPS_WITHIN = datetime.timedelta(hours=24)
# A report without a lead, in working time (notifications.working_hours): the principal is told.
LEAD_WITHIN_WORKING_TIME = datetime.timedelta(hours=4)
# The police's receipt of a hand-off: past the first delay the force's liaison officers are
# told again; past the second, the school's principal, and the dashboard counts it late.
ACKNOWLEDGEMENT_WITHIN = datetime.timedelta(hours=24)
ACKNOWLEDGEMENT_LATE = datetime.timedelta(hours=48)
# The DPCP's decision after the hand-off, and the file's closure after the report.
DPCP_DECISION_EXPECTED = datetime.timedelta(hours=24)
CLOSURE_WITHIN = datetime.timedelta(days=4)
