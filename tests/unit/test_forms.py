"""The streaming multipart parser that replaces cgi for uploads."""
import io

import pytest

from records.forms import FormError, parse_form

pytestmark = pytest.mark.foundation
B = "XyZ123"


def body(*parts):
    out = b""
    for name, filename, data in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{B}\r\nContent-Disposition: {disp}\r\n".encode()
        if filename:
            out += b"Content-Type: application/octet-stream\r\n"
        out += b"\r\n" + data + b"\r\n"
    return io.BytesIO(out + f"--{B}--\r\n".encode())


def test_fields_and_files_in_order_and_rereadable():
    big = bytes(range(256)) * 9000 + b"\r\n--XyZ12 not a boundary\r\n"
    form = parse_form(body(("a", None, "Nguyễn".encode()), ("file.x", "1.pdf", big),
                           ("file.x", "2.pdf", b"second"), ("b", None, b"2")), B)
    assert form["a"] == "Nguyễn" and form["b"] == "2"
    first, second = form.getall("file.x")
    assert (first.filename, second.filename) == ("1.pdf", "2.pdf")
    assert first.file.read() == big
    assert second.file.read(3) == b"sec" and second.file.read() == b"ond"
    first.file.seek(0)  # a retried request reads it again
    chunks = iter(lambda: first.file.read(1000), b"")
    assert b"".join(chunks) == big


def test_malformed_body_is_a_form_error():
    broken = io.BytesIO(f"--{B}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc".encode())
    with pytest.raises(FormError):
        parse_form(broken, B)


def test_text_field_over_the_limit():
    with pytest.raises(FormError):
        parse_form(body(("a", None, b"x" * (2 << 20))), B)
