"""Issuing many credentials at once: signing on every core, writing from one process.

Signing (canonicalization and Ed25519) is CPU work that parallelises; writing does not (SQLite
has a single writer, and one transaction per batch is far cheaper than one per credential).
So the parent composes each credential and allocates its status entry, worker processes sign
it and bake its PNG, and the parent stores the results in batches.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from django.db import transaction
from django.utils import timezone

from credentials.compose import iso_utc, open_badge_credential
from credentials.did import verification_method_id
from credentials.exports import badge_artwork_bytes, png_with_credential
from credentials.integrity import proof_attach
from credentials.keys import ED25519, keyring_load
from credentials.models import IssuedCredential, StatusList
from credentials.status import FILL_LIMIT, status_index_allocate, status_list_current

BATCH_SIZE = 500


@dataclass(frozen=True)
class BulkResult:
    issued: int
    baked_bytes: int  # total size of the baked PNGs, proof that each was made


# --- Worker side: no database, only the key, the artwork and the document ----------------------

_worker_state: dict = {}


def _worker_init(private_pem: bytes, verification_method: str, artwork: bytes) -> None:
    _worker_state.update(
        key=serialization.load_pem_private_key(private_pem, password=None),
        method=verification_method,
        artwork=artwork,
    )


def _worker_sign(job: tuple[dict, str]) -> tuple[dict, int]:
    unsigned, created = job
    signed = proof_attach(unsigned, private_key=_worker_state["key"],
                          verification_method=_worker_state["method"], created=created)
    return signed, len(png_with_credential(_worker_state["artwork"], signed))


# --- Parent side ---------------------------------------------------------------------------------


def credentials_issue_bulk(awards: Iterable, *, processes: int | None = None,
                           batch_size: int = BATCH_SIZE) -> BulkResult:
    """Issue the credential of each award that has none yet; return how many were issued."""
    awards = list(awards)
    already = set(IssuedCredential.objects.filter(award__in=awards).values_list("award_id",
                                                                               flat=True))
    awards = [award for award in awards if award.pk not in already]
    if not awards:
        return BulkResult(issued=0, baked_bytes=0)
    key = keyring_load().active(ED25519)
    pem = key.private_key.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    artwork = badge_artwork_bytes(awards[0].badge_class, "png")
    created = iso_utc(timezone.now())
    processes = processes or os.cpu_count() or 1

    # "fork": workers start with the code already imported and never touch the database.
    context = multiprocessing.get_context("fork")
    issued = baked_bytes = 0
    with context.Pool(processes, initializer=_worker_init,
                      initargs=(pem, verification_method_id(key), artwork)) as pool:
        for start in range(0, len(awards), batch_size):
            batch = awards[start:start + batch_size]
            rows, jobs = _compose_batch(batch)
            results = pool.map(_worker_sign, [(job, created) for job in jobs],
                               chunksize=max(1, len(jobs) // (processes * 4)))
            now = timezone.now()
            for row, (signed, size) in zip(rows, results, strict=True):
                row.document, row.signed_at = signed, now
                baked_bytes += size
            with transaction.atomic():
                IssuedCredential.objects.bulk_create(rows)
            issued += len(rows)
    return BulkResult(issued=issued, baked_bytes=baked_bytes)


def _compose_batch(awards: list) -> tuple[list[IssuedCredential], list[dict]]:
    """Status entries and unsigned credentials for a batch (one query for the used indexes)."""
    status_list = status_list_current()
    used = set(status_list.entries.values_list("status_index", flat=True))
    rows, jobs = [], []
    for award in awards:
        if len(used) >= status_list.size * FILL_LIMIT:  # as status_list_current decides
            status_list = StatusList.objects.create()
            used = set()
        index = status_index_allocate(status_list, used=used)
        used.add(index)
        row = IssuedCredential(award=award, status_list=status_list, status_index=index,
                               identity_salt=secrets.token_hex(16))
        rows.append(row)
        jobs.append(open_badge_credential(award=award, status_list=status_list,
                                          status_index=index, salt=row.identity_salt))
    return rows, jobs
