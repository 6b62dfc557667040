"""Many fictional cases at once, for benchmarks and load tests (never for a real site).

`cases_bulk_create(total=100_000, schools=50)` makes fictional schools in one territory whose
police force holds a DPCP agreement, spreads the cases over them unevenly (the first school
clearly the largest, as a big secondary school next to small ones), and gives each case 1-3
students, a grid, and for many a police hand-off, a DPCP decision, support actions and a
closure, dated over the last 400 days so that the dashboard's measures have something to show.

Rows are written with SQL INSERTs in batches, not bulk_create, for two reasons:
- `created_at` must lie in the past for the measures, and auto_now_add would overwrite it
  with the present on bulk_create (it calls pre_save);
- the encrypted fields are given their tokens directly (crypto.encrypt, fresh for each value,
  as the application would write them), and going through the ORM would encrypt them again.
Other values are prepared by each field's own get_db_prep_save, as the ORM would.
Fernet is not the bottleneck (about 8 µs a value, a few seconds for 100,000 cases), so every
value gets its own token: no two rows share one, as no two real rows would.
"""

from __future__ import annotations

import datetime
import random
import secrets
import uuid
from collections import defaultdict

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from accounts.models import DpcpAgreement, Membership, Organisation, Role, Territory, User
from cases import crypto
from cases import grid as grid_rules
from cases.crypto import EncryptedTextField
from cases.models import (
    Case,
    Grid,
    PoliceFollowUp,
    PoliceHandoff,
    Student,
    SupportAction,
)

BATCH_SIZE = 2000  # cases per transaction; their students, grids... go in the same one

# Fictional everything: invented place names, first names with "Fictif" as a family name.
PLACES = ["Bouleaux", "Quatre-Vents", "Grand-Héron", "Pruches", "Lac-Argenté", "Trois-Sources",
          "Cèdres", "Mésanges", "Val-Doré", "Pointe-aux-Outardes-Fictive", "Merisiers", "Ormes"]
FIRST_NAMES = ["Léa", "Noah", "Emma", "Liam", "Zoé", "Félix", "Alice", "Thomas", "Rosalie",
               "William", "Florence", "Jacob", "Béatrice", "Nathan", "Charlotte", "Samuel",
               "Maëlle", "Xavier", "Juliette", "Olivier", "Clara", "Mathis", "Éloïse", "Loïc"]
ACCOUNTS = [
    "Une élève fictive confie qu'une photo intime envoyée à son ex-copain circule dans un "
    "groupe de conversation de l'école.",
    "Un élève fictif rapporte avoir reçu une image d'une camarade sans l'avoir demandée; il ne "
    "l'a montrée à personne.",
    "Une enseignante fictive a entendu des élèves parler d'une vidéo partagée sur une "
    "application de messagerie.",
    "Un élève fictif dit subir des pressions pour envoyer d'autres images après un premier "
    "envoi.",
    "Une élève fictive craint qu'une image prise lors d'une conversation vidéo ait été "
    "enregistrée.",
    "Un parent fictif appelle la direction : une image de son enfant aurait été diffusée.",
]
NOTES = ["", "", "Précisions fictives recueillies lors de la rencontre.",
         "Les jeunes se connaissent depuis le primaire (fictif)."]
SUPPORT = ["Rencontre de suivi avec la psychoéducatrice (fictif).",
           "Présenter AidezMoiSVP.ca à l'élève et à sa famille (fictif).",
           "Vérifier auprès de l'élève si la diffusion s'est arrêtée (fictif)."]

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def cases_bulk_create(*, total: int, schools: int, seed: int = 0, password: str | None = None,
                      batch_size: int = BATCH_SIZE) -> dict:
    """Create `schools` fictional schools and `total` cases; return what a benchmark needs.

    Returns {"school": the largest school, "principal": its principal (logging in with
    `password`; without one the account has no usable password), "total": cases created,
    "schools": every school created, "cases_per_school": {school id: count}, "force": the
    police force}. The same seed gives the same cases; ids and codes differ at each call, so
    it can run twice against one database.
    """
    if schools < 1 or total < 0:
        raise ValueError("At least one school, and no negative number of cases.")
    rng = random.Random(seed)
    now = timezone.now()
    run = secrets.token_hex(3)
    force, created_schools, principals = _world(run=run, schools=schools, now=now,
                                                password=password)
    counts = _spread(total, schools)
    plan = [school for school, count in zip(created_schools, counts, strict=True)
            for _ in range(count)]
    rng.shuffle(plan)  # cases of every school interleaved in time, as in life
    indexes: dict = {}  # names repeat within a school: each digest is computed once
    for start in range(0, len(plan), batch_size):
        rows: dict = defaultdict(list)
        for number, school in enumerate(plan[start:start + batch_size], start=start + 1):
            _case_rows(rows, rng=rng, now=now, school=school, force=force, indexes=indexes,
                       principal=principals[school.pk], reference=f"B{run}-{number:07d}")
        with transaction.atomic():
            # Parents first: PostgreSQL checks foreign keys at each statement.
            for model in (Case, Student, Grid, PoliceHandoff, PoliceFollowUp, SupportAction):
                _insert(model, rows[model])
    largest = created_schools[0]
    return {
        "school": largest, "principal": principals[largest.pk], "total": total,
        "schools": created_schools, "force": force,
        "cases_per_school": {school.pk: count
                             for school, count in zip(created_schools, counts, strict=True)},
    }


def _spread(total: int, schools: int) -> list[int]:
    """Cases per school in proportion to 1/rank (Zipf): the first school has about twice the
    second's, three times the third's... Rounding leftovers go to the first."""
    weights = [1 / rank for rank in range(1, schools + 1)]
    counts = [int(total * weight / sum(weights)) for weight in weights]
    counts[0] += total - sum(counts)
    return counts


def _world(*, run: str, schools: int, now: datetime.datetime, password: str | None):
    force = Organisation.objects.create(
        kind=Organisation.Kind.POLICE_FORCE, name=f"Service de police fictif {run}",
        code=f"bulk-{run}-police")
    DpcpAgreement.objects.create(police_force=force, signed_on=(now - 800 * DAY).date())
    territory = Territory.objects.create(name=f"Territoire fictif {run}",
                                         code=f"bulk-{run}-territoire", police_force=force)
    centre = Organisation.objects.create(
        kind=Organisation.Kind.SERVICE_CENTRE, name=f"Centre de services scolaire fictif {run}",
        code=f"bulk-{run}-centre")
    created = Organisation.objects.bulk_create([
        Organisation(kind=Organisation.Kind.SCHOOL, parent=centre, territory=territory,
                     name=f"École fictive des {PLACES[i % len(PLACES)]} {i + 1:03d} ({run})",
                     code=f"bulk-{run}-ecole-{i + 1:03d}")
        for i in range(schools)
    ])
    principals = {}
    for i, school in enumerate(created):
        email = f"direction-{run}-{i + 1:03d}@example.test"
        if i == 0 and password:
            # Only this one is hashed (Argon2 takes about a second): the one a bench logs in as.
            user = User.objects.create_user(email=email, password=password,
                                            full_name="Direction Fictive", email_verified_at=now)
        else:
            user = User.objects.create_user(email=email, password=None,
                                            full_name="Direction Fictive", email_verified_at=now)
        Membership.objects.create(user=user, organisation=school, role=Role.PRINCIPAL)
        principals[school.pk] = user
    return force, created, principals


def _case_rows(rows: dict, *, rng: random.Random, now: datetime.datetime, school, force,
               principal, reference: str, indexes: dict) -> None:
    """The rows of one fictional case, as plain dicts of attribute values."""
    created = now - rng.uniform(0, 400) * DAY
    status = _status(rng, created=created, now=now)
    case_id = uuid.uuid4()
    closed_at = None
    if status == Case.Status.CLOSED:
        # About 4 days in practice, sometimes much longer.
        closed_at = created + min(rng.lognormvariate(4.5, 0.6), 24 * 300) * HOUR
        if closed_at >= now:
            status, closed_at = Case.Status.WITH_POLICE, None
    legal_hold = rng.random() < 0.01
    rows[Case].append({
        "id": case_id, "created_at": created, "updated_at": closed_at or created,
        "reference": reference, "school_id": school.pk, "status": status,
        "reported_by_id": principal.pk,
        "lead_id": principal.pk if rng.random() < 0.5 else None,
        "told_at": created - rng.uniform(0, 6) * HOUR,
        "account": crypto.encrypt(rng.choice(ACCOUNTS)),
        "channels": rng.sample(["snapchat", "instagram", "messages", "group_chat"],
                               rng.randint(1, 2)),
        "still_spreading": rng.choice(["yes", "no", "unknown"]),
        "directed_to_police_at": (min(now, created + rng.uniform(0.5, 8) * HOUR)
                                  if status == Case.Status.DIRECTED_TO_POLICE else None),
        "closed_at": closed_at,
        "closure_summary": crypto.encrypt("Dossier fictif fermé.") if closed_at else "",
        "legal_hold": legal_hold,
        "legal_hold_reason": "Enquête policière fictive en cours" if legal_hold else "",
    })
    for part in _parts(rng):
        name = f"{rng.choice(FIRST_NAMES)} Fictif-{rng.choice('ABCDEFGHJKLMNPRST')}"
        rows[Student].append({
            "id": uuid.uuid4(), "created_at": created, "updated_at": created, "case_id": case_id,
            "part": part, "name": crypto.encrypt(name), "index": _index(indexes, school.pk, name),
            "age": rng.randint(12, 17), "grade": f"Secondaire {rng.randint(1, 5)}",
        })
    rows[Grid].append({
        "id": uuid.uuid4(), "created_at": created, "updated_at": created, "case_id": case_id,
        "victim_age": rng.randint(12, 17), "alleged_ages": str(rng.randint(12, 17)),
        "relationship": rng.choice([code for code, _label in grid_rules.RELATIONSHIP]),
        "consent_to_creation": rng.choice(["yes", "no", "unknown"]),
        "consent_to_sharing": rng.choice(["no", "no", "unknown"]),
        "pressure_or_threats": rng.choice(["yes", "no", "no", "unknown"]),
        "adult_involved": rng.choice(["no", "no", "no", "unknown"]),
        "recipients": rng.choice([code for code, _label in grid_rules.RECIPIENTS]),
        "intent_to_harm": rng.choice(["yes", "no", "unknown"]),
        "school_impact": rng.choice([code for code, _label in grid_rules.SCHOOL_IMPACT]),
        "notes": _maybe_encrypt(rng.choice(NOTES)),
        "completed_at": min(now, created + rng.uniform(0.5, 6) * HOUR),
    })
    if status in (Case.Status.WITH_POLICE, Case.Status.CLOSED) and rng.random() < 0.9:
        _handoff_rows(rows, rng=rng, now=now, case_id=case_id, created=created, force=force,
                      principal=principal, closed=status == Case.Status.CLOSED)
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        due = (created + rng.randint(2, 20) * DAY).date()
        done = closed_at is not None or rng.random() < 0.4
        rows[SupportAction].append({
            "id": uuid.uuid4(), "created_at": created, "updated_at": created,
            "case_id": case_id, "kind": rng.choice(SupportAction.Kind.values),
            "resource": rng.choice(["", "cybertip", "needhelpnow", "school_professional"]),
            "description": crypto.encrypt(rng.choice(SUPPORT)), "due_on": due,
            "done_at": min(now, created + rng.randint(1, 20) * DAY) if done else None,
        })


def _status(rng: random.Random, *, created: datetime.datetime, now: datetime.datetime) -> str:
    # Older cases are mostly closed; recent ones are spread along the steps.
    if now - created > 30 * DAY:
        return Case.Status.CLOSED if rng.random() < 0.9 else rng.choice(
            [Case.Status.WITH_POLICE, Case.Status.DIRECTED_TO_POLICE])
    return rng.choices(
        [Case.Status.REPORTED, Case.Status.IN_PROGRESS, Case.Status.WITH_POLICE,
         Case.Status.DIRECTED_TO_POLICE, Case.Status.CLOSED],
        weights=[15, 20, 35, 5, 25])[0]


def _parts(rng: random.Random) -> list[str]:
    parts = [Student.Part.VICTIM]
    count = rng.choice([1, 2, 2, 3])
    if count >= 2:
        parts.append(Student.Part.ALLEGED)
    if count == 3:
        parts.append(rng.choice([Student.Part.REPORTING, Student.Part.OTHER]))
    return parts


def _handoff_rows(rows: dict, *, rng: random.Random, now: datetime.datetime, case_id,
                  created: datetime.datetime, force, principal, closed: bool) -> None:
    contacted = min(now, created + rng.lognormvariate(1.0, 0.8) * HOUR)
    sent = min(now, contacted + rng.uniform(0.2, 3) * HOUR)
    acknowledged = sent + rng.uniform(0.5, 30) * HOUR
    handoff_id = uuid.uuid4()
    rows[PoliceHandoff].append({
        "id": handoff_id, "created_at": contacted, "updated_at": sent, "case_id": case_id,
        "force_id": force.pk, "contacted_at": contacted, "officer": "Agente fictive",
        "police_file_number": f"PF-{rng.randint(10000, 99999)}",
        "snapshot": crypto.encrypt('{"fictif": true}'), "sent_at": sent,
        "sent_by_id": principal.pk,
        "acknowledged_at": acknowledged if acknowledged < now and rng.random() < 0.95 else None,
    })
    qualified = sent + max(2.0, rng.gauss(24, 8)) * HOUR
    if qualified < now and (closed or rng.random() < 0.7):
        impulsive = rng.random() < 0.8
        rows[PoliceFollowUp].append({
            "id": uuid.uuid4(), "created_at": qualified, "updated_at": qualified,
            "handoff_id": handoff_id,
            "qualification": "impulsive" if impulsive else "malicious",
            "qualified_at": qualified,
            "outcome": "awareness" if impulsive else "investigation",
            "police_file_closed": closed,
        })


def _index(cache: dict, school_id, name: str) -> str:
    if (school_id, name) not in cache:
        cache[school_id, name] = crypto.blind_index(str(school_id), name)
    return cache[school_id, name]


def _maybe_encrypt(text: str) -> str:
    return crypto.encrypt(text) if text else ""


def _insert(model, rows: list[dict]) -> None:
    """INSERT rows given as {attname: value}; missing attributes take the field's default.

    Encrypted fields already hold their token and are written as they are; every other value
    goes through the field's get_db_prep_save, as the ORM would prepare it.
    """
    if not rows:
        return
    fields = model._meta.concrete_fields
    # The wrapper itself, not django.db.connection: that proxy looks the connection up again
    # at every use, and this loop uses it for every value of every row.
    wrapper = connections[DEFAULT_DB_ALIAS]
    quote = wrapper.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - quoted model names
           f"({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    encrypted = [isinstance(f, EncryptedTextField) for f in fields]
    prepared = []
    for row in rows:
        values = []
        for f, is_token in zip(fields, encrypted, strict=True):
            value = row[f.attname] if f.attname in row else defaults[f.attname]
            if is_token:
                values.append(value or "")
            elif value is None:
                values.append(None)  # NULL whatever the field
            else:
                values.append(f.get_db_prep_save(value, wrapper))
        prepared.append(values)
    with wrapper.cursor() as cursor:
        cursor.executemany(sql, prepared)
