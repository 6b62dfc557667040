"""The dashboard pages: the period form, the charts and tables, and the cases behind a figure.

The figures themselves are tested in test_metrics.py; here, that the page says exactly what
cases.metrics computed (in the tables and the charts' accessible names), that a count links
to its cases only for those who may read them, and that the list of those cases refuses
anyone else, audited.
"""

import datetime
import re
import zoneinfo
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from cases.metrics import Period, case_metrics, force_cases
from cases.models import Case
from cases.tests.conftest import verified_client
from cases.tests.factories import case_create, follow_up_add, handoff_add

MONTREAL = zoneinfo.ZoneInfo("America/Montreal")
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def scene(cw):
    """Cases of world.school told 47 hours ago, entered in the tool just now (the record's
    creation time is no event of the incident): one in order at 0 h, one at 5 h, one with
    the police contacted before the report (out of order), one handed off to world.force_ok
    and decided in 30 h, one closed before it was reported."""
    told = timezone.now() - 47 * HOUR
    created = timezone.now()  # entered now: no measure may read it

    def case(**fields):
        status = fields.pop("status", Case.Status.IN_PROGRESS)
        return case_create(cw.school, status=status, told_at=told, created_at=created,
                           **fields)

    cw.zero = case()
    handoff_add(cw.zero, force=cw.force_ok, contacted_at=told)
    cw.five = case()
    handoff_add(cw.five, force=cw.force_ok, contacted_at=told + 5 * HOUR)
    cw.backwards = case()
    handoff_add(cw.backwards, force=cw.force_ok, contacted_at=told - 42.6 * HOUR)
    cw.sent = case(status=Case.Status.WITH_POLICE)
    handoff = handoff_add(cw.sent, force=cw.force_ok, contacted_at=told + HOUR,
                          sent_at=told + 2 * HOUR)
    follow_up_add(handoff, qualification="impulsive", qualified_at=told + 32 * HOUR)
    cw.closed_early = case(status=Case.Status.CLOSED, closed_at=told - HOUR)
    # Another school's case: on nobody's board here but its principal's.
    cw.elsewhere = case_create(cw.other_school, told_at=told, created_at=created)
    handoff_add(cw.elsewhere, force=cw.other_force, contacted_at=told + HOUR)
    return cw


class _Page(HTMLParser):
    """Tables (by caption id), SVG charts (by title id) and links of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.svgs: list[dict] = []
        self.links: list[str] = []
        self.styles = 0
        self._table = self._row = self._cell = self._svg = None
        self._caption_id = None
        self._text_target = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.styles += 1
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])  # entities already decoded
        if tag == "table":
            self._table = []
        elif tag == "caption" and self._table is not None:
            self._caption_id = attrs.get("id")
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "svg":
            self._svg = {"attrs": attrs, "title": "", "desc": "", "ids": {}}
        elif tag in ("title", "desc") and self._svg is not None:
            self._svg["ids"][tag] = attrs.get("id")
            self._text_target = tag

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table" and self._table is not None:
            self.tables[self._caption_id] = self._table
            self._table = self._caption_id = None
        elif tag == "svg" and self._svg is not None:
            self.svgs.append(self._svg)
            self._svg = None
        elif tag in ("title", "desc"):
            self._text_target = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._svg is not None and self._text_target:
            self._svg[self._text_target] += data


def get(client, name="cases:dashboard", **params):
    return client.get(reverse(name), params)


def month_row(page: _Page, caption_id: str) -> list[str]:
    label = {1: "janvier", 2: "février", 3: "mars", 4: "avril", 5: "mai", 6: "juin",
             7: "juillet", 8: "août", 9: "septembre", 10: "octobre", 11: "novembre",
             12: "décembre"}
    month = timezone.localdate(timezone.now() - 47 * HOUR)
    name = f"{label[month.month]} {month.year}"
    return next(row for row in page.tables[caption_id] if row[0] == name)


# --- The dashboard -------------------------------------------------------------------------


def test_the_principals_tables_and_charts_say_what_the_metrics_computed(scene):
    response = get(verified_client(scene.principal))
    assert response.status_code == 200
    page = _Page(response.content.decode())
    metrics = case_metrics(Case.objects.filter(school=scene.school))
    contact, decision, closure = metrics.measures
    assert (contact.measured, contact.inconsistent, contact.median_hours) == (3, 1, 1.0)
    assert (decision.measured, decision.median_hours) == (1, 30.0)
    assert (closure.measured, closure.inconsistent) == (0, 1)

    # This month's row of each table: measured, median, share within, out of order.
    assert month_row(page, "board-1-contact-months-caption")[1:] == ["3", "1 h", "100 %", "1"]
    assert month_row(page, "board-1-decision-months-caption")[1:] == ["1", "30 h", "0 %", "0"]
    # No closure measured: a dash for the median, never a negative figure; 1 set apart.
    assert month_row(page, "board-1-closure-months-caption")[1:] == ["0", "—", "—", "1"]
    # Every month of the default period, most recent last.
    rows = page.tables["board-1-contact-months-caption"][1:]
    assert len(rows) == 12
    assert sum(int(row[1]) for row in rows) == contact.measured
    # The period's buckets: counts and shares, and whether each is within the kit's 24 h.
    buckets = page.tables["board-1-contact-buckets-caption"]
    assert [row[1:] for row in buckets[1:]] == [
        ["2", "67 %", "oui"], ["1", "33 %", "oui"], ["0", "0 %", "oui"],
        ["0", "0 %", "non"], ["0", "0 %", "non"]]
    assert buckets[1][0] == "2 h ou moins" and buckets[5][0] == "plus de 48 h"
    body = response.content.decode()
    assert not re.search(r"[-−]\s?42[,.]6", body)

    # Six charts (two per measure), each an image named by its title, described by its desc.
    assert len(page.svgs) == 6
    for svg in page.svgs:
        assert svg["attrs"]["role"] == "img"
        assert svg["attrs"]["aria-labelledby"] == svg["ids"]["title"]
        assert svg["attrs"]["aria-describedby"] == svg["ids"]["desc"]
        assert "viewBox" in svg["attrs"] or "viewbox" in svg["attrs"]
        assert svg["attrs"]["width"] == "100%"
        assert svg["desc"].strip()
    titles = [svg["title"] for svg in page.svgs]
    assert titles[0] == "De la déclaration au contact avec la police : médiane par mois"
    assert titles[1] == ("De la déclaration au contact avec la police : répartition des "
                         "dossiers sur la période")
    # The chart draws the same numbers as the table: this month's median, the buckets' counts.
    month_chart = re.search(r'<svg[^>]*board-1-contact-months-title.*?</svg>', body, re.S)[0]
    assert ">1\N{NO-BREAK SPACE}h</text>" in month_chart
    assert "Repère : 24\N{NO-BREAK SPACE}h" in month_chart
    bucket_chart = re.search(r'<svg[^>]*board-1-contact-buckets-title.*?</svg>', body, re.S)[0]
    assert [int(n) for n in re.findall(r'class="chart-value">(\d+)</text>', bucket_chart)] == [
        2, 1, 0, 0, 0]
    # The Content-Security-Policy forbids style attributes and inline scripts.
    assert page.styles == 0 and "<script>" not in body
    # The wide tables scroll in a labelled region, not the page.
    assert body.count('class="table-scroll" role="region" tabindex="0"') == 6
    assert 'aria-labelledby="board-1-contact-months-caption"' in body


def test_the_page_holds_no_name_and_no_content(scene):
    body = get(verified_client(scene.principal)).content.decode()
    assert scene.zero.account not in body
    for case in (scene.zero, scene.five, scene.sent, scene.elsewhere):
        assert case.reference not in body


def test_zero_hours_is_written_zero(cw):
    told = timezone.now() - 3 * HOUR
    case = case_create(cw.school, told_at=told, status=Case.Status.IN_PROGRESS)
    handoff_add(case, force=cw.force_ok, contacted_at=told)
    body = get(verified_client(cw.principal)).content.decode()
    assert month_row(_Page(body), "board-1-contact-months-caption")[1:3] == ["1", "0 h"]
    assert "<dt>Médiane</dt><dd>0\N{NO-BREAK SPACE}h</dd>" in body


def test_a_police_liaisons_board_counts_the_hand_offs_of_the_force(scene):
    response = get(verified_client(scene.police))
    page = _Page(response.content.decode())
    metrics = case_metrics(force_cases(scene.force_ok.pk))
    assert metrics.report_to_police_contact.measured == 1  # only the case handed off
    assert month_row(page, "board-1-contact-months-caption")[1:3] == ["1", "1 h"]
    assert month_row(page, "board-1-decision-months-caption")[1:3] == ["1", "30 h"]


# --- The period form -----------------------------------------------------------------------


def test_the_period_form_defaults_to_the_last_twelve_months(cw):
    body = get(verified_client(cw.principal)).content.decode()
    period = Period.last_months()
    assert f'value="{period.first:%Y-%m}"' in body and f'value="{period.last:%Y-%m}"' in body
    assert 'type="month"' in body


def test_a_chosen_period(scene):
    today = timezone.localdate()
    response = get(verified_client(scene.principal), du=f"{today:%Y-%m}", au=f"{today:%Y-%m}")
    assert response.status_code == 200
    page = _Page(response.content.decode())
    assert len(page.tables["board-1-contact-months-caption"]) == 2  # header and one month
    links = [link for link in page.links if "mesure=contact" in link]
    assert all(f"du={today:%Y-%m}" in link and f"au={today:%Y-%m}" in link for link in links)


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"du": "2026-13", "au": ""}, "du", "Entrez un mois sous la forme AAAA-MM"),
    ({"du": "janvier", "au": ""}, "du", "Entrez un mois sous la forme AAAA-MM"),
    ({"du": "2025-06", "au": "2025-01"}, "au", "Le mois de fin doit être le mois de début"),
    ({"du": "2020-01", "au": "2024-01"}, "du", "La période compte au plus 36 mois."),
    ({"du": "", "au": "2999-01"}, "au", "La période ne peut pas finir après le mois en cours."),
])
def test_the_period_forms_errors_keep_the_input(cw, params, field, message):
    client = verified_client(cw.principal)
    response = get(client, **params)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', body)[0]
    assert 'aria-invalid="true"' in tag and f'value="{params[field]}"' in tag
    other = "au" if field == "du" else "du"
    if params[other]:
        assert f'value="{params[other]}"' in body  # the other month, as typed
    # The counts that need no period stay; the durations wait for a valid one.
    assert "Dossiers ouverts" in body and "<svg" not in body
    assert "Corrigez la période pour afficher les délais." in body


def test_the_period_forms_errors_in_english(cw):
    client = verified_client(cw.principal)
    with translation.override("en"):
        path = reverse("cases:dashboard")
    with_english = client.get(path, {"du": "2026-13"})
    assert with_english.status_code == 400
    assert '<html lang="en">' in with_english.content.decode()
    # Needs the merged catalog: "Enter a month as YYYY-MM, for example 2026-01."
    # assert "Enter a month as YYYY-MM" in with_english.content.decode()


# --- Links to the cases behind a figure ----------------------------------------------------


def _list_links(body: str) -> list[str]:
    path = reverse("cases:dashboard_cases")
    return [link for link in _Page(body).links if link.startswith(path)]


def test_a_principals_counts_link_to_the_schools_cases(scene):
    client = verified_client(scene.principal)
    links = _list_links(get(client).content.decode())
    assert links, "no count links to its cases"
    assert all(parse_qs(urlsplit(link).query)["ecole"] == [str(scene.school.pk)]
               for link in links)
    # The measured count of the period, then its list: the three cases, each to its page.
    measured = next(link for link in links if "mesure=contact" in link
                    and "mois=" not in link and "tranche=" not in link
                    and "incoherents" not in link)
    before = AuditEvent.objects.latest("sequence").sequence
    response = client.get(measured)
    assert response.status_code == 200
    page = _Page(response.content.decode())
    cases = {scene.zero, scene.five, scene.sent}
    case_links = [link for link in page.links if link.startswith("/")
                  and resolve(urlsplit(link).path).url_name == "case_detail"]
    assert sorted(case_links) == sorted(reverse("cases:case_detail", args=[c.pk])
                                        for c in cases)
    table = page.tables["cases-caption"]
    assert sorted(row[0] for row in table[1:]) == sorted(c.reference for c in cases)
    assert sorted(row[3] for row in table[1:]) == ["0 h", "1 h", "5 h"]
    # Audited like the other pages of the tool: who, which page; no reference, no name.
    event = AuditEvent.objects.filter(sequence__gt=before).get(action="case.tool_accessed")
    assert event.actor == scene.principal
    assert event.data["view"] == "cases:dashboard_cases"
    assert scene.zero.reference not in str(event.data)


def test_the_out_of_order_count_lists_the_cases_to_correct(scene):
    client = verified_client(scene.principal)
    links = _list_links(get(client).content.decode())
    wrong = next(link for link in links if "mesure=contact" in link and "incoherents=1" in link
                 and "mois=" not in link)
    page = _Page(client.get(wrong).content.decode())
    rows = page.tables["cases-caption"]
    assert [row[0] for row in rows[1:]] == [scene.backwards.reference]
    assert len(rows[0]) == 3  # reference and both dates: no duration for these
    assert not re.search(r"[-−]\s?42[,.]6", client.get(wrong).content.decode())


def test_every_bucket_and_month_link_lists_as_many_cases_as_its_count(scene):
    client = verified_client(scene.principal)
    body = get(client).content.decode()
    links = {_figure_of(link): link for link in _list_links(body)}
    checked = 0
    for caption, table in _Page(body).tables.items():
        for row in table[1:]:
            count, link = int(row[1]), links.get((caption, row[0]))
            if count == 0:
                assert link is None, (caption, row)  # nothing to list: no link
                continue
            listed = _Page(client.get(link).content.decode()).tables["cases-caption"]
            assert len(listed) - 1 == count, (caption, row)
            checked += 1
    assert checked == 5  # contact: its month, two buckets; decision: its month, one bucket


def _figure_of(link: str) -> tuple[str, str] | None:
    """(table caption id, row label) a dashboard link belongs to (board 1)."""
    query = parse_qs(urlsplit(link).query)
    measure = query["mesure"][0]
    if "incoherents" in query:
        return None
    if "mois" in query:
        month = datetime.date.fromisoformat(query["mois"][0] + "-01")
        names = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                 "septembre", "octobre", "novembre", "décembre"]
        return f"board-1-{measure}-months-caption", f"{names[month.month - 1]} {month.year}"
    if "tranche" in query:
        labels = {"contact": ["2 h ou moins", "2 h à 8 h", "8 h à 24 h", "24 h à 48 h",
                              "plus de 48 h"],
                  "decision": ["12 h ou moins", "12 h à 24 h", "24 h à 48 h", "48 h à 96 h",
                               "plus de 96 h"],
                  "closure": ["2 jours ou moins", "2 jours à 4 jours", "4 jours à 7 jours",
                              "7 jours à 30 jours", "plus de 30 jours"]}
        return (f"board-1-{measure}-buckets-caption",
                labels[measure][int(query["tranche"][0])])
    return None


def test_a_police_liaisons_counts_link_to_the_forces_hand_offs(scene):
    client = verified_client(scene.police)
    links = _list_links(get(client).content.decode())
    assert links
    assert all(parse_qs(urlsplit(link).query)["corps"] == [str(scene.force_ok.pk)]
               for link in links)
    assert not any("ecole=" in link for link in links)
    measured = next(link for link in links if "mesure=contact" in link
                    and "mois=" not in link and "tranche=" not in link)
    body = client.get(measured).content.decode()
    assert reverse("cases:police_handoff", args=[scene.sent.pk]) in body
    # The police page of the hand-off, never the school's case page.
    assert f'href="{reverse("cases:case_detail", args=[scene.sent.pk])}"' not in body
    for case in (scene.zero, scene.five, scene.backwards, scene.elsewhere):
        assert case.reference not in body


def test_another_principals_dashboard_links_nothing_of_this_school(scene):
    body = get(verified_client(scene.other_principal)).content.decode()
    assert str(scene.school.pk) not in body
    assert all(parse_qs(urlsplit(link).query)["ecole"] == [str(scene.other_school.pk)]
               for link in _list_links(body))


def _figure(board: str, organisation) -> dict:
    today = timezone.localdate()
    return {board: str(organisation.pk), "mesure": "contact", "du": f"{today:%Y-%m}",
            "au": f"{today:%Y-%m}"}


@pytest.mark.parametrize(("person", "board", "organisation"), [
    ("other_principal", "ecole", "school"),  # another school's principal
    ("police", "ecole", "school"),  # a liaison officer asking for a school's list
    ("principal", "corps", "force_ok"),  # a principal asking for a force's list
    ("other_police", "corps", "force_ok"),  # another force's liaison officer
])
def test_the_list_of_another_board_is_not_found_and_audited(scene, person, board,
                                                             organisation):
    client = verified_client(getattr(scene, person))
    target = getattr(scene, organisation)
    response = get(client, "cases:dashboard_cases", **_figure(board, target))
    assert response.status_code == 404
    event = AuditEvent.objects.filter(action="case.access_refused").latest("sequence")
    assert event.actor == getattr(scene, person)
    assert event.target_id == str(target.pk) and event.data["status"] == 404
    assert event.data["path_name"] == "cases:dashboard_cases"


@pytest.mark.parametrize("person", ["intervener", "reporter", "privacy_officer", "org_admin"])
def test_the_list_refuses_those_without_a_dashboard(scene, person):
    client = verified_client(getattr(scene, person))
    response = get(client, "cases:dashboard_cases", **_figure("ecole", scene.school))
    assert response.status_code == 403
    event = AuditEvent.objects.filter(action="case.access_refused").latest("sequence")
    assert event.actor == getattr(scene, person) and event.data["status"] == 403
    assert scene.zero.reference not in response.content.decode()


def test_the_list_needs_a_sign_in_and_a_second_factor(scene):
    url = reverse("cases:dashboard_cases")
    assert "/connexion/" in Client().get(url, _figure("ecole", scene.school))["Location"]
    client = Client()
    client.force_login(scene.principal)  # password only
    response = client.get(url, _figure("ecole", scene.school))
    assert response.status_code == 302 and "/connexion/" not in response["Location"]


@pytest.mark.parametrize("params", [
    {"mesure": "contact"},  # no board
    {"mesure": "contact", "ecole": "SCHOOL", "corps": "FORCE"},  # two boards
    {"mesure": "contact", "ecole": "not-a-uuid"},
    {"mesure": "nothing", "ecole": "SCHOOL"},
    {"mesure": "contact", "ecole": "SCHOOL", "tranche": "9"},
    {"mesure": "contact", "ecole": "SCHOOL", "du": "2026-13"},
])
def test_a_list_link_that_names_no_figure_is_refused_plainly(scene, params):
    ids = {"SCHOOL": str(scene.school.pk), "FORCE": str(scene.force_ok.pk)}
    params = {key: ids.get(value, value) for key, value in params.items()}
    response = get(verified_client(scene.principal), "cases:dashboard_cases", **params)
    assert response.status_code == 400
    assert "Ce lien ne correspond à aucun chiffre du tableau de bord." in (
        response.content.decode())


def test_a_month_outside_the_period_is_refused(scene):
    today = timezone.localdate()
    response = get(verified_client(scene.principal), "cases:dashboard_cases",
                   **_figure("ecole", scene.school), mois="2001-01")
    assert response.status_code == 400
    response = get(verified_client(scene.principal), "cases:dashboard_cases",
                   **_figure("ecole", scene.school), mois=f"{today:%Y-%m}")
    assert response.status_code == 200


def test_the_old_view_is_gone_from_the_case_views():
    from cases import views

    assert not hasattr(views, "dashboard")
