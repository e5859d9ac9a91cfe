from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Danish, unless the user picked another language with the switch in the footer.

    The browser's Accept-Language is ignored on purpose: the users are Danish case officers
    whose browsers are often set to English, and the product's language is Danish.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NullCharacterInRequest(BadRequest):
    """A NUL byte in the address or its query string."""


class RefuseNullCharactersMiddleware:
    """A NUL byte anywhere in the address or a query parameter is a 400 (config.errors), before
    any view reads it.

    No link or form of the site sends one, and PostgreSQL refuses it in every text it is
    compared with, so an admin list filter or search given ``%00`` was a 500. Refused rather
    than stripped: a stripped value is a different question from the one asked, answered as if
    it were the same. Form fields refuse the character themselves (Django's
    ProhibitNullCharactersValidator), so request bodies are left to them. Logged as a bad
    request (a warning of django.request), not as an error: scanners send it by the thousand."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise NullCharacterInRequest("NUL byte in the request's address")
        return self.get_response(request)
