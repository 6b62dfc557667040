"""Read-only questions about people and organisations (accounts.selectors)."""

from accounts.models import Organisation, Role
from accounts.selectors import (
    grantable_roles,
    organisations_administered_by,
    personal_data,
    schools_grouped,
    user_manages_people,
)
from accounts.services import join_request_create


def test_schools_are_grouped_by_service_centre_and_independent_ones_apart(world):
    Organisation.objects.create(kind=Organisation.Kind.SCHOOL, name="Collège Fictif",
                                code="college-fictif", territory=world.territory)
    groups = dict(schools_grouped())
    assert [name for _pk, name in groups["Centre de services scolaire des Trois-Lacs"]] == [
        "École des Pionniers", "École du Ruisseau"]
    assert [name for _pk, name in groups["Autres écoles"]] == ["Collège Fictif"]
    every_school = {pk for schools in groups.values() for pk, _name in schools}
    assert str(world.force_ok.pk) not in every_school and str(world.centre.pk) not in every_school


def test_who_manages_people(world):
    assert user_manages_people(world.org_admin) and user_manages_people(world.platform_admin)
    assert not any(user_manages_people(u) for u in (world.learner, world.principal,
                                                     world.reviewer, world.police))
    assert set(organisations_administered_by(world.org_admin)) == {
        world.centre, world.school, world.school_no_agreement}


def test_grantable_roles(world):
    offered = {value for value, _label in grantable_roles(world.org_admin)}
    assert offered == {Role.STAFF, Role.PRINCIPAL, Role.ORG_ADMIN, Role.PRIVACY_OFFICER}
    assert {value for value, _label in grantable_roles(world.platform_admin)} == (
        set(Role.values) - {Role.INTERVENER}
    )


def test_personal_data_covers_roles_and_declarations(world):
    join_request_create(user=world.learner, organisation=world.school_no_agreement)
    data = personal_data(world.learner)
    assert data["email"] == world.learner.email and data["handle"] == world.learner.handle
    assert data["memberships"] == [{"role": "staff", "organisation": "École des Pionniers"}]
    assert data["join_requests"][0]["organisation"] == "École du Ruisseau"
    assert data["join_requests"][0]["accepted"] is None


def test_the_navigation_follows_the_roles_in_one_query(world, rf, django_assert_num_queries):
    from accounts.context_processors import nav
    from accounts.models import User

    def shown(user):
        request = rf.get("/fr/")
        request.user = user
        with django_assert_num_queries(1):  # the person's roles, read once
            return nav(request)["nav"]

    assert shown(world.platform_admin)["is_platform_admin"]
    assert shown(world.platform_admin)["manages_people"]
    assert not shown(world.org_admin)["is_platform_admin"]
    assert shown(world.org_admin)["manages_people"] and shown(world.org_admin)["privacy"]
    learner = shown(world.learner)
    assert not any(learner[k] for k in ("is_reviewer", "is_author", "manages_people",
                                        "is_platform_admin", "privacy"))
    # A superuser without the role is a platform administrator, as user_is_platform_admin says.
    root = User.objects.create(email="racine@example.test", full_name="Racine Fictive",
                               is_superuser=True)
    assert shown(root)["is_platform_admin"] and shown(root)["is_reviewer"]
