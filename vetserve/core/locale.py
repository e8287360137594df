"""Language choice: Simplified Chinese unless the user picked English with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC set up
in English would show English to staff who never asked for it. Pages follow only the language
cookie set by the switch in the header; the API still honours Accept-Language, which scripts
set on purpose.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PageLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
