"""Texting an invitation through a real SMS gateway, chosen by ``DISPATCH_SMS_GATEWAY``.

- ``log`` (the default): the notify app's sender (``VETSERVE_SMS_SENDER``), which only logs
  with the number masked; nothing leaves an offline machine.
- ``aliyun``: Alibaba Cloud SMS (Dysmsapi 2017-05-25) through its official SDK.
- ``tencent``: Tencent Cloud SMS (2021-01-11) through its official SDK.

Gateways in China send only approved templates: the message's parameters (title, post,
when, link) fill the account's template. Every failure — refused by the gateway, no answer,
a wrong key — raises ``SmsFailed`` with the gateway's code, which the invitation keeps for the
dispatcher to see.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from vetserve.notify.sms import sms_sender

# Long enough for a slow gateway, short enough not to hold a worker at 05:00.
TIMEOUT_S = 10


class SmsFailed(Exception):
    """The gateway did not take the message; the text says why (its code and message)."""


def _config() -> dict[str, str]:
    return dict(getattr(settings, "DISPATCH_SMS", {}))


def send(phone: str, params: dict[str, str]) -> None:
    gateway = str(getattr(settings, "DISPATCH_SMS_GATEWAY", "log"))
    if gateway == "aliyun":
        send_aliyun(phone, params, _config())
    elif gateway == "tencent":
        send_tencent(phone, params, _config())
    else:
        sms_sender().send(phone, " ".join(params.values()))


def send_aliyun(phone: str, params: dict[str, str], config: dict[str, str]) -> None:
    from alibabacloud_dysmsapi20170525 import models as sms_models
    from alibabacloud_dysmsapi20170525.client import Client
    from alibabacloud_tea_openapi import models as api_models

    client = Client(
        api_models.Config(
            access_key_id=config["key_id"],
            access_key_secret=config["key_secret"],
            endpoint=config.get("endpoint") or "dysmsapi.aliyuncs.com",
            protocol=config.get("scheme", "https"),
            region_id=config.get("region") or "cn-hangzhou",
            read_timeout=TIMEOUT_S * 1000,
            connect_timeout=TIMEOUT_S * 1000,
        )
    )
    request = sms_models.SendSmsRequest(
        phone_numbers=phone,
        sign_name=config["sign_name"],
        template_code=config["template"],
        template_param=json.dumps(params, ensure_ascii=False),
    )
    try:
        response: Any = client.send_sms(request)
    except Exception as error:
        raise SmsFailed(f"aliyun: {_short(error)}") from error
    body = response.body
    if body is None or body.code != "OK":
        code = getattr(body, "code", "") or "no answer"
        raise SmsFailed(f"aliyun {code}: {getattr(body, 'message', '') or ''}".strip())


def send_tencent(phone: str, params: dict[str, str], config: dict[str, str]) -> None:
    from tencentcloud.common import credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
        TencentCloudSDKException,
    )
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.sms.v20210111 import models, sms_client

    http = HttpProfile(
        protocol=config.get("scheme", "https"),
        endpoint=config.get("endpoint") or "sms.tencentcloudapi.com",
        reqTimeout=TIMEOUT_S,
    )
    client = sms_client.SmsClient(
        credential.Credential(config["key_id"], config["key_secret"]),
        config.get("region") or "ap-beijing",
        ClientProfile(httpProfile=http),
    )
    request = models.SendSmsRequest()
    request.PhoneNumberSet = [phone if phone.startswith("+") else f"+86{phone}"]
    request.SmsSdkAppId = config["app_id"]
    request.SignName = config["sign_name"]
    request.TemplateId = config["template"]
    request.TemplateParamSet = list(params.values())
    try:
        response = client.SendSms(request)
    except TencentCloudSDKException as error:
        raise SmsFailed(f"tencent {error.code}: {error.message}") from error
    except Exception as error:
        raise SmsFailed(f"tencent: {_short(error)}") from error
    statuses = response.SendStatusSet or []
    if not statuses or statuses[0].Code != "Ok":
        code = statuses[0].Code if statuses else "no status"
        message = statuses[0].Message if statuses else ""
        raise SmsFailed(f"tencent {code}: {message}".strip())


def _short(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:150]
