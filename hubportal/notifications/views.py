"""The SMS gateway's delivery reports (LINK Mobility's gate posts them here)."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services import UnknownReport, notification_record_delivery

logger = logging.getLogger(__name__)

MAX_REPORT_BYTES = 16 * 1024


def _gate_authenticated(request) -> bool:
    """The gate's HTTP Basic credentials, compared in constant time. Without configured
    credentials no report is accepted."""
    username, password = settings.SMS_REPORT_USERNAME, settings.SMS_REPORT_PASSWORD
    if not username or not password:
        return False
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    return hmac.compare_digest(given.encode(), f"{username}:{password}".encode())


@csrf_exempt  # a server-to-server callback, authenticated by the gate's credentials
@require_POST
def sms_delivery_report(request):
    if not _gate_authenticated(request):
        logger.warning("SMS delivery report refused: wrong or missing gate credentials")
        response = JsonResponse({"error": "unauthorised"}, status=401)
        response["WWW-Authenticate"] = 'Basic realm="sms-delivery-reports"'
        return response
    if len(request.body) > MAX_REPORT_BYTES:
        return JsonResponse({"error": "report too large"}, status=413)
    try:
        report = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        logger.warning("SMS delivery report refused: not JSON")
        return JsonResponse({"error": "the report is not JSON"}, status=400)
    try:
        notification_record_delivery(report=report)
    except UnknownReport as exc:
        logger.warning("SMS delivery report refused: %s", exc)
        return JsonResponse({"error": str(exc)}, status=400)
    return HttpResponse(status=204)
