from cases.selectors import personal_data
from cases.tests.conftest import handed_off_case


def test_personal_data_gives_a_staff_members_part_by_reference_never_content(cw):
    case = handed_off_case(cw)
    data = personal_data(cw.reporter)
    assert data["cases_reported"] == [{"reference": case.reference, "status": "with_police",
                                       "reported_at": case.created_at.isoformat()}]
    assert "Imaginaire" not in str(personal_data(cw.intervener))
    assert "photo" not in str(data)
