"""The package answering an access request: assembled from privacy.sources, never stored.

Assembling is a read: privacy.selectors and privacy.services call it; it writes nothing.
Three steps, in this order:
1. each source's `personal_data(user)` or, for a student, `student_personal_data(school=,
   name=)` (privacy.sources);
2. every "police" key dropped (see privacy.sources);
3. every other person's name, email and public handle replaced by a role label.
The package's SHA-256 is taken over a canonical form (keys sorted, lists sorted) so that the
order in which a database returns rows never reads as a change of content.
"""

import hashlib
import json
import re
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership, Organisation, Role, User
from privacy import sources
from privacy.models import AccessRequest

FORMAT = "sexto.personal-data.v1"
POLICE_KEY = "police"

# When someone holds several roles, the label names the first one found here: the roles under
# which a person usually appears in someone else's records come first.
ROLE_LABEL_ORDER = [
    Role.REVIEWER, Role.PRINCIPAL, Role.INTERVENER, Role.PRIVACY_OFFICER, Role.ORG_ADMIN,
    Role.POLICE_LIAISON, Role.PROGRAM_AUTHOR, Role.PLATFORM_ADMIN, Role.STAFF,
]


def drop_police(data):
    """`data` without any "police" key, at any depth."""
    if isinstance(data, dict):
        return {k: drop_police(v) for k, v in data.items() if k != POLICE_KEY}
    if isinstance(data, list):
        return [drop_police(item) for item in data]
    return data


def _strings(data) -> Iterable[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


def _map_strings(data, change):
    if isinstance(data, str):
        return change(data)
    if isinstance(data, dict):
        return {k: _map_strings(v, change) for k, v in data.items()}
    if isinstance(data, list):
        return [_map_strings(item, change) for item in data]
    return data


def _role_label(roles: set[str]) -> str:
    for role in ROLE_LABEL_ORDER:
        if role in roles:
            return f"[{role.label}]"
    return "[{}]".format(_("autre personne"))


def redact_other_people(data, *, subject: User | None, own_names: Iterable[str] = ()):
    """`data` with every other user's name, email and handle replaced by a role label.

    Any user of the platform counts, not only those a source happens to link: a reviewer's
    name typed into a reason is found as well. The subject's own name and email stay, even
    where another person's name is part of it (the longest match wins). A name common to the
    subject and someone else is the subject's and stays. Replacing too much (a person named
    like a school) is the safe side of this trade. A subject with no account (a student) is
    `subject=None`, with their name in `own_names`: then every user is "another person".
    """
    text = "\n".join(_strings(data)).casefold()
    own = {" ".join(n.split()).casefold() for n in own_names if n and n.strip()}
    users = User.objects.all()
    if subject is not None:
        own |= {n.casefold() for n in (subject.full_name, subject.email, subject.handle) if n}
        users = users.exclude(pk=subject.pk)
    needles: dict[str, object] = {}  # casefolded text -> the user it names
    for pk, *names in users.values_list("pk", "full_name", "email", "handle").iterator():
        for name in names:
            folded = (name or "").strip().casefold()
            if folded and folded not in own and folded in text:
                needles.setdefault(folded, pk)
    if not needles:
        return data
    roles: dict[object, set[str]] = {}
    for user_id, role in Membership.objects.filter(user_id__in=set(needles.values())).values_list(
        "user_id", "role"
    ):
        roles.setdefault(user_id, set()).add(role)
    labels = {folded: _role_label(roles.get(pk, set())) for folded, pk in needles.items()}
    alternatives = sorted([*needles, *own], key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)", re.IGNORECASE
    )

    def replace(match: re.Match) -> str:
        return labels.get(match.group(0).casefold(), match.group(0))

    return _map_strings(data, lambda s: pattern.sub(replace, s))


def access_request_package(*, access_request: AccessRequest) -> dict:
    """What the person receives: every source's data about them, police parts and others out.

    Deterministic for unchanged data: nothing in it depends on when it is assembled, so its
    hash only changes when the information does.
    """
    if access_request.is_about_student:
        return _student_package(access_request)
    # Read afresh: the hash must follow the database, not a copy held in memory.
    subject = User.objects.get(pk=access_request.subject_id)
    with translation.override(access_request.language):
        data = {name: drop_police(selector(subject)) for name, selector in sources.SOURCES.items()}
        data = redact_other_people(data, subject=subject)
        return {
            "format": FORMAT,
            "request": _request_part(access_request),
            "subject": {"id": str(subject.pk)},
            "notes": [
                _("Ce document réunit les renseignements personnels que Sexto détient à votre "
                  "sujet, par partie de la plateforme."),
                _("Les noms et adresses courriel d'autres personnes sont remplacés par leur "
                  "rôle, entre crochets."),
                _("Les renseignements provenant d'un corps de police ne sont pas communiqués "
                  "par cet outil."),
            ],
            "sources": data,
        }


def _request_part(access_request: AccessRequest) -> dict:
    return {"id": str(access_request.pk), "organisation": access_request.organisation.name,
            "received_on": access_request.received_on.isoformat()}


def _student_package(access_request: AccessRequest) -> dict:
    """The package about a student: what the case tool holds, found by school and name.

    The source replaces the other students of the student's cases by their label; then, as
    for any package, police parts are dropped and every user's name by their role.
    """
    school = Organisation.objects.get(pk=access_request.subject_school_id)
    name = access_request.subject_student_name
    with translation.override(access_request.language):
        data = {source: drop_police(selector(school=school, name=name))
                for source, selector in sources.STUDENT_SOURCES.items()}
        data = redact_other_people(data, subject=None, own_names=[name])
        return {
            "format": FORMAT,
            "request": _request_part(access_request),
            "subject": {"kind": "student", "school": school.name, "name": name},
            "notes": [
                _("Ce document réunit les renseignements personnels que Sexto détient au sujet "
                  "de cet élève, tirés des dossiers d'incident de son école."),
                _("Les noms des autres élèves sont remplacés par leur rôle dans l'incident, et "
                  "ceux des autres personnes par leur rôle, entre crochets."),
                _("Les renseignements provenant d'un corps de police ne sont pas communiqués "
                  "par cet outil."),
            ],
            "sources": data,
        }


def _canonical(data):
    if isinstance(data, dict):
        return {k: _canonical(v) for k, v in data.items()}
    if isinstance(data, list):
        items = [_canonical(item) for item in data]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))
    return data


def package_sha256(package: dict) -> str:
    canonical = json.dumps(_canonical(package), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def package_json(package: dict) -> str:
    return json.dumps(package, indent=2, ensure_ascii=False, default=str) + "\n"


# The parts of Sexto a package draws on (privacy.sources), as the summary names them.
SOURCE_LABELS = {
    "accounts": gettext_lazy("Compte, rôles et second facteur"),
    "training": gettext_lazy("Formation"),
    "badges": gettext_lazy("Badges"),
    "credentials": gettext_lazy("Attestations numériques"),
    "cases": gettext_lazy("Dossiers d'incident"),
    "notifications": gettext_lazy("Avis"),
}


def _items(data) -> int:
    """How many things a source holds: each entry of a list, each field filled in."""
    if isinstance(data, dict):
        return sum(_items(value) if isinstance(value, dict) else
                   len(value) if isinstance(value, list) else
                   int(value not in (None, "", False))
                   for value in data.values())
    if isinstance(data, list):
        return len(data)
    return int(data not in (None, "", False))


def package_summary(package: dict) -> list[dict]:
    """Which parts of Sexto hold something about the person, and how many items each.

    What the privacy officer sees of a package until the head of the organisation approves it:
    it says what will be given out, not what it says (no narrative, no name).
    """
    return [{"source": source, "label": SOURCE_LABELS.get(source, source), "items": _items(data)}
            for source, data in (package.get("sources") or {}).items()]
