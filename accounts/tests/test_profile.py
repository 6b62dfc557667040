"""The profile page (accounts:profile), school declarations from it, profile_publish_set."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from accounts.models import JoinRequest
from accounts.services import join_request_create, profile_publish_set
from audit.models import AuditEvent


def _form(user, **changes):
    data = {"full_name": user.full_name, "preferred_language": user.preferred_language}
    if user.profile_published:
        data["profile_published"] = "on"
    data.update(changes)
    return data


def test_profile_needs_login(client, world):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_profile_shows_handle_roles_declarations_and_eligibility(client, world):
    join_request_create(user=world.learner, organisation=world.school_no_agreement)
    client.force_login(world.learner)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    body = response.content.decode()
    assert world.learner.handle in body
    assert "Personnel (apprenant) · École des Pionniers" in body
    assert "École du Ruisseau : en attente d'une décision" in body
    assert "Le badge Sexto peut vous être attribué" in body
    assert "Votre profil est privé" in body
    assert body.count("<h1") == 1


def test_profile_shows_why_the_badge_is_out_of_reach(client, world):
    client.force_login(world.outsider)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "Le badge ne peut pas vous être attribué pour l'instant" in body


def test_public_profile_link_when_published(client, world):
    world.learner.profile_published = True
    world.learner.save()
    client.force_login(world.learner)
    body = client.get(reverse("accounts:profile")).content.decode()
    try:
        public_url = reverse("badges:member_profile", args=[world.learner.handle])
    except NoReverseMatch:  # the badges app publishes profiles; until then no link
        assert "Voir mon profil public" not in body
    else:
        assert f'href="{public_url}"' in body


def test_saving_the_profile_switches_the_site_language(client, world):
    client.force_login(world.learner)
    response = client.post(reverse("accounts:profile"),
                           _form(world.learner, full_name="  Ariane F. Fictive ",
                                 preferred_language="en"))
    assert response.status_code == 302
    with translation.override("en"):
        assert response["Location"] == reverse("accounts:profile")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    world.learner.refresh_from_db()
    assert world.learner.full_name == "Ariane F. Fictive"
    assert world.learner.preferred_language == "en"
    event = AuditEvent.objects.get(action="profile.updated")
    assert event.data == {"fields": ["full_name", "preferred_language"]}
    assert "Ariane" not in str(event.data)  # the log names fields, not their values
    assert not AuditEvent.objects.filter(action="profile.published_changed").exists()


def test_publishing_the_profile_is_audited(client, world):
    client.force_login(world.learner)
    client.post(reverse("accounts:profile"), _form(world.learner, profile_published="on"))
    world.learner.refresh_from_db()
    assert world.learner.profile_published
    event = AuditEvent.objects.get(action="profile.published_changed")
    assert event.data == {"published": True} and event.actor == world.learner
    client.post(reverse("accounts:profile"), _form(world.learner, profile_published=""))
    world.learner.refresh_from_db()
    assert not world.learner.profile_published


def test_bad_profile_input_keeps_what_was_typed(client, world):
    client.force_login(world.learner)
    response = client.post(reverse("accounts:profile"),
                           {"full_name": "", "preferred_language": "en",
                            "profile_published": "on"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "full_name" in form.errors
    body = response.content.decode()
    assert '<option value="en" selected>' in body
    assert "checked" in body
    world.learner.refresh_from_db()
    assert world.learner.preferred_language == "fr"


def test_profile_wrong_method(client, world):
    client.force_login(world.learner)
    assert client.delete(reverse("accounts:profile")).status_code == 405


def test_profile_publish_set_service(world):
    assert profile_publish_set(user=world.learner, published=True) is True
    assert profile_publish_set(user=world.learner, published=True) is False  # no change
    assert AuditEvent.objects.filter(action="profile.published_changed").count() == 1
    assert profile_publish_set(user=world.learner, published=False) is True
    world.learner.refresh_from_db()
    assert not world.learner.profile_published


# --- Declaring a school from the profile --------------------------------------------------


def test_declaring_a_school(client, world):
    client.force_login(world.outsider)
    response = client.post(reverse("accounts:join_request_create"),
                           {"school": str(world.school.pk)})
    assert response.status_code == 302
    join_request = JoinRequest.objects.get(user=world.outsider)
    assert join_request.pending and join_request.organisation == world.school
    assert not world.outsider.memberships.exists()


def test_declaring_the_same_school_twice(client, world):
    client.force_login(world.outsider)
    url = reverse("accounts:join_request_create")
    client.post(url, {"school": str(world.school.pk)})
    response = client.post(url, {"school": str(world.school.pk)})
    assert response.status_code == 200
    assert "attend déjà une décision" in " ".join(response.context["join_form"].errors["school"])
    assert JoinRequest.objects.filter(user=world.outsider).count() == 1


def test_declaring_a_school_one_already_works_at(client, world):
    client.force_login(world.learner)
    response = client.post(reverse("accounts:join_request_create"),
                           {"school": str(world.school.pk)})
    assert "déjà partie du personnel" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_declaring_something_that_is_not_a_school(client, world):
    client.force_login(world.outsider)
    response = client.post(reverse("accounts:join_request_create"),
                           {"school": str(world.force_ok.pk)})
    assert response.status_code == 200
    assert "school" in response.context["join_form"].errors
    assert not JoinRequest.objects.exists()


def test_declaring_a_school_needs_login_and_post(client, world):
    url = reverse("accounts:join_request_create")
    assert client.post(url, {"school": str(world.school.pk)}).status_code == 302
    assert not JoinRequest.objects.exists()
    client.force_login(world.outsider)
    assert client.get(url).status_code == 405
