"""The streaming multipart parser that replaces cgi for uploads, and adopting what it spooled."""
import hashlib
import io
import os
import tempfile

import pytest
import transaction
import ZODB
from pyramid.config import Configurator
from pyramid.session import SignedCookieSessionFactory
from pyramid.response import Response
from webtest import TestApp
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from records.intake import multipart as forms
from records.intake.multipart import FormError, SpooledFile, parse_form
from records.intake.uploads import UploadError, store_upload

pytestmark = pytest.mark.foundation
B = "XyZ123"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 100


def body(*parts):
    out = b""
    for name, filename, data in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{B}\r\nContent-Disposition: {disp}\r\n".encode()
        if filename:
            out += b"Content-Type: application/octet-stream\r\n"
        out += b"\r\n" + data + b"\r\n"
    return io.BytesIO(out + f"--{B}--\r\n".encode())


def spooled(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(forms.PREFIX))


def test_fields_and_files_in_order_and_rereadable(tmp_path):
    big = bytes(range(256)) * 9000 + b"\r\n--XyZ12 not a boundary\r\n"
    form = parse_form(body(("a", None, "Nguyễn".encode()), ("file.x", "1.pdf", big),
                           ("file.x", "2.pdf", b"second"), ("b", None, b"2")), B, tmp_path)
    assert form["a"] == "Nguyễn" and form["b"] == "2"
    first, second = form.getall("file.x")
    assert (first.filename, second.filename) == ("1.pdf", "2.pdf")
    assert first.file.read() == big
    assert second.file.read(3) == b"sec" and second.file.read() == b"ond"
    first.file.seek(0)  # a retried request reads it again
    chunks = iter(lambda: first.file.read(1000), b"")
    assert b"".join(chunks) == big
    forms.discard(form)
    assert spooled(tmp_path) == []


def test_file_parts_are_spooled_hashed_and_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(forms, "WRITEBACK", 100_000)  # writing out to disk starts as it goes
    big = os.urandom(3 * forms.CHUNK + 5)  # across several reads of the body
    form = parse_form(body(("f", "big.bin", big), ("g", "empty.bin", b"")), B, tmp_path)
    f, g = form["f"].file, form["g"].file
    assert isinstance(f, SpooledFile) and os.path.dirname(f.path) == str(tmp_path)
    assert (f.size, f.sha256) == (len(big), hashlib.sha256(big).hexdigest())
    assert f.head == big[:forms.HEAD] and f.read() == big
    assert (g.size, g.head, g.read()) == (0, b"", b"")
    assert len(spooled(tmp_path)) == 2
    f.discard()
    f.discard()  # idempotent
    assert len(spooled(tmp_path)) == 1
    del form, g  # a spooled file nobody discarded goes with its object
    assert spooled(tmp_path) == []


def test_malformed_body_is_a_form_error_leaving_no_file(tmp_path):
    broken = io.BytesIO(f"--{B}\r\nContent-Disposition: form-data; name=\"a\"; "
                        f"filename=\"a.pdf\"\r\n\r\nabc".encode())
    with pytest.raises(FormError):
        parse_form(broken, B, tmp_path)
    assert spooled(tmp_path) == []


def test_text_field_over_the_limit(tmp_path):
    with pytest.raises(FormError):
        parse_form(body(("f", "a.pdf", b"x"), ("a", None, b"x" * (2 << 20))), B, tmp_path)
    assert spooled(tmp_path) == []


@pytest.fixture
def blob_db(tmp_path):
    db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs")))
    yield db
    transaction.abort()
    db.close()


def upload(stream, **kw):
    kw = {"uploaded_by": "recv1", "uploaded_at": None, "allowed_types": {"application/pdf"},
          "limit": 1 << 20, **kw}
    return store_upload(stream, "a.pdf", **kw)


def test_a_spooled_part_is_adopted_not_copied_and_survives_a_retry(tmp_path, blob_db):
    data = PDF + os.urandom(300_000)
    (part,) = parse_form(body(("f", "a.pdf", data)), B, tmp_path).values()
    reads = []
    part.file.read = lambda *a: reads.append(a) or b""  # adopting never reads the bytes
    conn = blob_db.open()
    for attempt in range(2):  # the first attempt is aborted (a conflict), the second kept
        transaction.begin()
        version = upload(part.file)
        assert version.media_type == "application/pdf"
        assert (version.size, version.sha256) == (len(data), hashlib.sha256(data).hexdigest())
        conn.root()["v"] = version
        transaction.abort() if attempt == 0 else transaction.commit()
        assert spooled(tmp_path) == [os.path.basename(part.file.path)]  # only the spooled one
    conn.close()
    assert reads == []
    with blob_db.transaction() as conn:
        version = conn.root()["v"]
        assert version.open().read() == data and version.check_fixity()
    part.file.discard()
    with blob_db.transaction() as conn:  # the blob has its own link to the bytes
        assert conn.root()["v"].open().read() == data


def test_spooled_part_refusals(tmp_path, blob_db):
    form = parse_form(body(("empty", "a.pdf", b""), ("text", "a.pdf", b"plain words " * 99),
                           ("big", "a.pdf", PDF * 5)), B, tmp_path)
    for name, status in (("empty", 400), ("text", 415), ("big", 413)):
        with pytest.raises(UploadError) as e:
            upload(form[name].file, limit=len(PDF))
        assert e.value.status == status
    assert len(spooled(tmp_path)) == 3  # no link left behind


def test_without_hard_links_the_spooled_part_is_copied(tmp_path, blob_db, monkeypatch):
    def no_link(*a):
        raise PermissionError("no hard links here")
    monkeypatch.setattr(os, "link", no_link)
    (part,) = parse_form(body(("f", "a.pdf", PDF)), B, tmp_path).values()
    part.file.read(5)
    with blob_db.transaction() as conn:
        conn.root()["v"] = version = upload(part.file)
        assert (version.size, version.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    with blob_db.transaction() as conn:
        assert conn.root()["v"].open().read() == PDF


class Retryable(ConflictError):
    pass


def app_with_forms(tmp_path, monkeypatch, view):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # where ZODB stages new blobs
    config = Configurator(settings={"retry.attempts": "3"})
    config.set_session_factory(SignedCookieSessionFactory("s" * 40))
    config.include("pyramid_tm")
    config.include("pyramid_retry")
    config.include("records.intake.multipart")
    config.add_route("up", "/up")
    config.add_view(view, route_name="up")
    config.add_route("login", "/login")  # the tween parses only an officer's uploads

    def log_in(request):
        request.session["login"] = "recv1"
        return Response("in")
    config.add_view(log_in, route_name="login")
    inputs = []
    app = config.make_wsgi_app()

    def wsgi(environ, start_response):  # hands the body over as waitress does: its spool
        spool = tempfile.TemporaryFile()
        spool.write(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        spool.seek(0)
        environ["wsgi.input"] = spool
        environ.pop("webob.is_body_seekable", None)
        inputs.append(spool)
        return app(environ, start_response)
    test_app = TestApp(wsgi)
    test_app.get("/login")
    return test_app, inputs


def fail_at_commit(request):
    def hook():
        raise Retryable()
    request.tm.get().addBeforeCommitHook(hook)
    return Response("ok")


@pytest.mark.parametrize("where", ["view", "commit"])
def test_tween_keeps_spooled_files_for_a_retry_and_removes_them_after(tmp_path, monkeypatch,
                                                                      where):
    seen = []

    def view(request):
        f = request.POST["f"].file
        f.seek(0)
        seen.append((request.environ["retry.attempt"], f.read(), f.path,
                     request.environ["wsgi.input"]))
        assert os.path.exists(f.path)
        if len(seen) < 3:
            if where == "commit":  # a conflict at commit, in pyramid_tm under the tween
                return fail_at_commit(request)
            raise Retryable()
        return Response("ok")

    app, inputs = app_with_forms(tmp_path, monkeypatch, view)
    app.post("/up", upload_files=[("f", "a.pdf", PDF)], status=200)
    assert [s[:2] for s in seen] == [(0, PDF), (1, PDF), (2, PDF)]
    assert len({s[2] for s in seen}) == 1  # parsed once
    assert all(s[3] is inputs[-1] for s in seen)  # the body was never copied
    assert spooled(tmp_path) == []


@pytest.mark.parametrize("error", [Retryable, ValueError])
def test_tween_removes_spooled_files_when_the_request_fails(tmp_path, monkeypatch, error):
    def view(request):
        assert spooled(tmp_path)
        raise error()

    app, _ = app_with_forms(tmp_path, monkeypatch, view)
    with pytest.raises(error):
        app.post("/up", upload_files=[("f", "a.pdf", PDF)])
    assert spooled(tmp_path) == []


def test_anonymous_uploads_are_not_spooled_before_the_view_decides(tmp_path, monkeypatch):
    """The public verify page refuses an oversized body from its Content-Length; nothing
    may have written it to disk before that."""
    parsed = []

    def view(request):
        parsed.append("webob._parsed_post_vars" in request.environ)
        return Response("ok")

    app, _ = app_with_forms(tmp_path, monkeypatch, view)
    app.reset()  # a visitor with no session
    app.post("/up", upload_files=[("f", "a.pdf", PDF)], status=200)
    assert parsed == [False] and spooled(tmp_path) == []
