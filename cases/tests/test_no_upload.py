"""No image, by construction: any body that is not a small plain form is refused, unread, at
every case URL, before CSRF and before Django parses it; nothing reaches the database, memory
stores or the temporary directory. No model of the app has a file field."""

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation

from audit.models import AuditEvent
from cases.middleware import MAX_CASE_BODY_BYTES, is_case_path
from cases.tests.conftest import handed_off_case, verified_client
from cases.tests.test_access_matrix import MATRIX

# The first bytes of each format: enough for any sniffer to call it an image or a video.
SAMPLES = {
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 2000, "image/jpeg", "photo.jpg"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 2000, "image/png", "image.png"),
    "heic": (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 2000, "image/heic",
             "IMG_0001.HEIC"),
    "gif": (b"GIF89a\x01\x00\x01\x00" + b"\x00" * 2000, "image/gif", "anim.gif"),
    "mp4": (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + b"\x00" * 2000, "video/mp4",
            "clip.mp4"),
    # Disguised: an image sent under another name and type.
    "jpeg_as_text": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 2000, "text/plain",
                     "notes.txt"),
    "png_as_pdf": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000, "application/pdf", "rapport.pdf"),
}
BOUNDARY = "sextoboundary"


def multipart(payload: bytes, content_type: str, filename: str) -> bytes:
    return (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"notes\"\r\n\r\nbonjour\r\n"
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
        f"filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
    ).encode() + payload + f"\r\n--{BOUNDARY}--\r\n".encode()


def case_rows() -> int:
    return sum(model.objects.count() for model in apps.get_app_config("cases").get_models())


@pytest.fixture
def targets(cw):
    case = handed_off_case(cw)
    student = case.students.get()
    # The refusal comes before any object is looked up: any uuid will do for the others.
    some_id = student.pk
    urls = []
    for name in MATRIX:
        pattern_args = {
            "case_list": [], "case_report": [], "interveners": [], "dashboard": [],
            "dashboard_cases": [], "retention": [],
            "case_step": [case.pk, "grid"], "custody_transfer": [case.pk, some_id],
            "custody_acknowledge": [case.pk, some_id], "support_done": [case.pk, some_id],
            "student_reveal": [case.pk, some_id], "student_chronology": [case.pk, some_id],
            "police_student_reveal": [case.pk, 0],
        }.get(name, [case.pk])
        urls.append(reverse(f"cases:{name}", args=pattern_args))
    return urls


@pytest.fixture
def upload_dirs(settings, tmp_path):
    # Were anything parsed, even one byte would go to a file here.
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return tmp_path


def send(client: Client, url: str, body: bytes, content_type: str):
    return client.generic("POST", url, body, content_type=content_type)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_case_url_refuses_files_unread(cw, targets, upload_dirs, kind):
    payload, content_type, filename = SAMPLES[kind]
    body = multipart(payload, content_type, filename)
    client = verified_client(cw.intervener)
    rows = case_rows()
    for url in targets:
        response = send(client, url, body, f"multipart/form-data; boundary={BOUNDARY}")
        assert response.status_code == 415, url
        assert "aucun fichier" in response.content.decode().lower()
        assert response.wsgi_request.environ["wsgi.input"].read_started is False, url
        assert "no-store" in response["Cache-Control"]
    assert case_rows() == rows
    assert list(upload_dirs.iterdir()) == []
    assert AuditEvent.objects.filter(action="case.upload_refused").count() == len(targets)


def test_a_raw_image_body_or_an_oversized_form_is_refused(cw, targets, upload_dirs):
    client = verified_client(cw.intervener)
    jpeg = SAMPLES["jpeg"][0]
    for url in targets:
        assert send(client, url, jpeg, "image/jpeg").status_code == 415
        assert send(client, url, jpeg, "application/octet-stream").status_code == 415
    big_form = b"notes=" + b"A" * (MAX_CASE_BODY_BYTES + 1)
    response = send(client, targets[0], big_form, "application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert list(upload_dirs.iterdir()) == []


def test_a_body_without_a_content_type_is_refused_unread(cw, targets, upload_dirs):
    """Issue 10: a body with no Content-Type at all got past the middleware."""
    from django.test.client import FakePayload

    client = verified_client(cw.intervener)
    png = SAMPLES["png"][0]
    rows = case_rows()
    for url in targets:
        # No CONTENT_TYPE in the environment at all, as a raw client can send it.
        response = client.request(REQUEST_METHOD="POST", PATH_INFO=url,
                                  CONTENT_LENGTH=str(len(png)), **{"wsgi.input": FakePayload(png)})
        assert "CONTENT_TYPE" not in response.wsgi_request.environ
        assert response.status_code == 415, url
        assert response.wsgi_request.environ["wsgi.input"].read_started is False
        # And an empty one, as the test client sends it.
        assert send(client, url, png, "").status_code == 415
    assert case_rows() == rows
    assert list(upload_dirs.iterdir()) == []


def test_other_text_types_are_refused_too(cw, targets):
    client = verified_client(cw.intervener)
    for content_type in ("text/plain", "application/json", "application/xml"):
        response = send(client, targets[0], b"notes=bonjour", content_type)
        assert response.status_code == 415, content_type


def test_fifty_megabytes_of_video_are_refused_without_being_read(cw, targets, upload_dirs):
    payload = SAMPLES["mp4"][0] + b"\x00" * (50 * 1024 * 1024)
    body = multipart(payload, "video/mp4", "clip.mp4")
    client = verified_client(cw.intervener)
    rows = case_rows()
    for url in targets:
        response = send(client, url, body, f"multipart/form-data; boundary={BOUNDARY}")
        assert response.status_code == 413
        assert response.wsgi_request.environ["wsgi.input"].read_started is False
    assert case_rows() == rows
    assert list(upload_dirs.iterdir()) == []


def test_anonymous_uploads_are_refused_too(targets, upload_dirs):
    body = multipart(*SAMPLES["png"])
    for url in targets:
        assert send(Client(), url, body,
                    f"multipart/form-data; boundary={BOUNDARY}").status_code == 415


def test_the_case_app_has_no_file_field():
    for model in apps.get_app_config("cases").get_models():
        for field in model._meta.get_fields():
            assert not isinstance(field, models.FileField), f"{model.__name__}.{field.name}"


def test_every_case_url_lies_below_the_case_prefixes_in_both_languages(targets):
    for url in targets:
        match = resolve(url)
        for language in ("fr", "en"):
            with translation.override(language):
                translated = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            assert is_case_path(translated), translated
    assert not is_case_path(reverse("badges:mine"))
