"""The SMS gateway adapters through the official SDKs, against a local stand-in of each
gateway (an HTTP server on 127.0.0.1 answering as Tencent Cloud and Alibaba Cloud do): what
the SDK sends, a delivered message, a refused one, and the failure shown to the dispatcher."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import login, register_volunteer
from vetserve.dispatch import sms
from vetserve.dispatch.models import Invitation, SmsState
from vetserve.dispatch.services import (
    ShiftSpec,
    callout_create,
    invitations_send,
    proposal_run,
)

PARAMS = {"title": "夜间除雪", "post": "入口", "when": "02-11 05:00", "link": "https://x/i/AB"}


class Gateway(BaseHTTPRequestHandler):
    """Answers every request with the server's ``reply`` and remembers what it was sent."""

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.server.seen.append(  # type: ignore[attr-defined]
            {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
        )
        data = json.dumps(self.server.reply).encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[Any]:
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    server.seen = []  # type: ignore[attr-defined]
    server.reply = {}  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _config(server: Any) -> dict[str, str]:
    return {
        "key_id": "AKIDtest", "key_secret": "secret", "app_id": "1400000000",
        "sign_name": "张家口退役军人", "template": "2001", "region": "ap-beijing",
        "endpoint": f"127.0.0.1:{server.server_port}", "scheme": "http",
    }  # fmt: skip


def _tencent(code: str, message: str) -> dict[str, Any]:
    status = {"Code": code, "Message": message, "PhoneNumber": "+8613900001111",
              "SerialNo": "s1", "Fee": 1, "SessionContext": "", "IsoCode": "CN"}  # fmt: skip
    return {"Response": {"SendStatusSet": [status], "RequestId": "req-1"}}


def test_tencent_gets_the_template_parameters_signed_and_the_number_with_its_country(
    gateway: Any,
) -> None:
    gateway.reply = _tencent("Ok", "send success")
    sms.send_tencent("13900001111", PARAMS, _config(gateway))
    (request,) = gateway.seen
    body = json.loads(request["body"])
    assert body["PhoneNumberSet"] == ["+8613900001111"]
    assert body["TemplateParamSet"] == list(PARAMS.values())
    assert body["SmsSdkAppId"] == "1400000000" and body["TemplateId"] == "2001"
    assert request["headers"]["X-TC-Action"] == "SendSms"
    assert request["headers"]["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDtest/")


def test_tencent_refusing_a_number_raises_its_code(gateway: Any) -> None:
    gateway.reply = _tencent("LimitExceeded.PhoneNumberDailyLimit", "daily limit")
    with pytest.raises(sms.SmsFailed, match="PhoneNumberDailyLimit"):
        sms.send_tencent("13900001111", PARAMS, _config(gateway))


def test_tencent_refusing_the_key_raises_its_code(gateway: Any) -> None:
    error = {"Code": "AuthFailure.SecretIdNotFound", "Message": "no such key"}
    gateway.reply = {"Response": {"Error": error, "RequestId": "r"}}
    with pytest.raises(sms.SmsFailed, match=r"AuthFailure\.SecretIdNotFound"):
        sms.send_tencent("13900001111", PARAMS, _config(gateway))


def test_aliyun_gets_the_template_and_its_parameters_as_json(gateway: Any) -> None:
    gateway.reply = {"Code": "OK", "Message": "OK", "BizId": "9", "RequestId": "r"}
    sms.send_aliyun("13900001111", PARAMS, _config(gateway))
    (request,) = gateway.seen
    query = parse_qs(urlparse(request["path"]).query)
    assert query["PhoneNumbers"] == ["13900001111"]
    assert query["TemplateCode"] == ["2001"] and query["SignName"] == ["张家口退役军人"]
    assert json.loads(query["TemplateParam"][0]) == PARAMS
    assert request["headers"]["x-acs-action"] == "SendSms"


def test_aliyun_refusing_raises_its_code(gateway: Any) -> None:
    gateway.reply = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控", "RequestId": "r"}
    with pytest.raises(sms.SmsFailed, match="BUSINESS_LIMIT_CONTROL"):
        sms.send_aliyun("13900001111", PARAMS, _config(gateway))


def test_a_gateway_that_does_not_answer_is_a_failure_too() -> None:
    config = {**_config(type("S", (), {"server_port": 9})()), "endpoint": "127.0.0.1:9"}
    with pytest.raises(sms.SmsFailed):
        sms.send_tencent("13900001111", PARAMS, config)


def test_the_dispatcher_sees_which_invitations_the_gateway_refused(
    cast: Any, client: Client, gateway: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.DISPATCH_SMS_GATEWAY = "tencent"
    settings.DISPATCH_SMS = _config(gateway)
    gateway.reply = _tencent("FailedOperation.PhoneNumberInBlacklist", "blacklisted")
    register_volunteer(cast.bob, cast.xiwanzi_team, name="赵一", serial=31, born=date(1970, 1, 1))
    start = timezone.now() + timedelta(hours=6)
    callout = callout_create(
        actor=cast.bob, organization=cast.chongli_fed, region=cast.xiwanzi, title="夜间除雪",
        place="太子城", emergency=True,
        shifts=[ShiftSpec("入口", start, start + timedelta(hours=2), 1, 1, 1)],
    )  # fmt: skip
    proposal_run(actor=cast.bob, callout=callout)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(actor=cast.bob, callout=callout)
    invitation = Invitation.objects.get()
    assert invitation.sms_state == SmsState.FAILED
    assert "PhoneNumberInBlacklist" in invitation.sms_error
    # The number went to the gateway, and nowhere into the log of what failed.
    assert json.loads(gateway.seen[0]["body"])["PhoneNumberSet"] == ["+8613900001111"]
    login(client, cast.bob)
    page = client.get(f"/dispatch/{callout.pk}/live/").content.decode()
    assert "PhoneNumberInBlacklist" in page
