"""The proof's PDF: signed (PAdES) so that a changed byte shows, its QR code leading to the
public check, and its Chinese text readable by a machine (and, looked at, by a person)."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import pytest
from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from tests.conftest import login
from vetserve.proofs import keys
from vetserve.proofs.models import Proof
from vetserve.proofs.services import proof_issue


def _trust() -> ValidationContext:
    _kind, _headers, der = pem.unarmor(keys.certificate_pem())
    return ValidationContext(trust_roots=[x509.Certificate.load(der)])


def _status(data: bytes) -> Any:
    reader = PdfFileReader(io.BytesIO(data))
    return validate_pdf_signature(reader.embedded_signatures[0], _trust())


@pytest.fixture
def proof(cast: Any, snow: Any, served: Any) -> Proof:
    return proof_issue(actor=cast.dave, volunteer=snow.wang, organization=cast.rescue)


@pytest.fixture
def pdf(client: Any, cast: Any, proof: Proof) -> bytes:
    response = login(client, cast.dave).get(f"/proofs/{proof.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return bytes(response.content)


def test_the_signature_validates_and_a_copy_with_one_changed_byte_does_not(pdf: bytes) -> None:
    status = _status(pdf)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"
    # One byte of the drawn page changed (inside the signed range): the digest no longer matches.
    at = pdf.index(b"stream") + 20
    altered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    assert not _status(altered).intact


def test_the_text_is_chinese_with_name_masked_id_hours_unit_and_number(
    pdf: bytes, proof: Proof, snow: Any
) -> None:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("志愿服务证明", "王建国", snow.wang.id_number_masked, "2.5", proof.number):
        assert expected in text, expected
    assert "崇礼" in text or proof.unit_name in text
    # Beside the masked number only the year of birth (ADR 0004), never the date.
    assert "1970年生" in text and "1970-05-01" not in text and "1970年5月1日" not in text


def test_the_qr_code_decodes_to_the_verify_page_which_says_valid(
    client: Any, pdf: bytes, proof: Proof, tmp_path: Any
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("poppler-utils not installed")
    (tmp_path / "proof.pdf").write_bytes(pdf)
    subprocess.run(  # noqa: S603 - a fixed tool found on PATH, our own file
        [pdftoppm, "-r", "150", "-png", "-singlefile", str(tmp_path / "proof.pdf"),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    from PIL import Image

    codes = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert len(codes) == 1
    url = codes[0].text
    assert url.startswith("http://testserver/verify/proof/")
    client.logout()
    page = client.get(url.removeprefix("http://testserver"))
    assert page.status_code == 200
    assert "有效" in page.text and proof.number in page.text and "王*国" in page.text
    assert "王建国" not in page.text
