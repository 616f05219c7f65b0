"""Conditional GETs for the API: a client that sends back the ETag (If-None-Match) or the
Last-Modified (If-Modified-Since) of the copy it has gets a 304 without a body.

It stands before the early page cache, so a copy served from there is answered the same
way. Only /api/ is affected: the portal's pages are not given ETags here."""

from __future__ import annotations

from django.middleware.http import ConditionalGetMiddleware


class ConditionalApiMiddleware(ConditionalGetMiddleware):
    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith("/api/"):
            return response
        return self.process_response(request, response)
