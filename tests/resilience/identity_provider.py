"""A small OpenID Connect provider on loopback, after ID-porten: real HTTP, a real discovery
document, a login page with its own single sign-on session (a cookie), the security levels
(`acr_values` asked for, `acr` given), PKCE checked at the token endpoint, an ID token with
`sid` and `pid`, RP-initiated logout at its `end_session_endpoint`, and front-channel logout
(a logout page that calls the portal's front-channel logout address in an iframe). It can
misbehave per endpoint (answer 500, answer garbage, answer JSON without what is needed, or
hang).

A token request with a code the login page did not issue (tests that call the callback
directly) gets the default person of ``_documents``.

For `make run` against it (see README): ``.venv/bin/python -m tests.resilience.identity_provider``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt

CLIENT_ID = "hubportal-test-client"
WORKING = "working"
FAILURES = ("500", "garbage", "empty-json", "hang")
LEVELS = ("idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high")
COOKIE = "test_idp_session"
DEFAULT_PID = "05918799957"  # synthetic national identity numbers (test data)


@dataclass
class SignOn:
    """The provider's own session in one browser (single sign-on)."""

    sid: str
    pid: str
    acr: str
    name: str


@dataclass
class Grant:
    sign_on: SignOn
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str
    access_token: str = field(default_factory=lambda: uuid.uuid4().hex)


class IdentityProvider:
    def __init__(self, port: int = 0) -> None:
        self.behaviour: dict[str, str] = {}  # endpoint -> one of FAILURES; WORKING if absent
        self.hang_seconds = 10.0
        self.requests: list[str] = []
        # What a person entered on the login page: one (pid, acr) per credential login.
        self.credential_logins: list[tuple[str, str]] = []
        self.end_session_requests: list[dict[str, str]] = []
        self.authorize_requests: list[dict[str, str]] = []  # as the client sent them
        self.sign_ons: dict[str, SignOn] = {}  # sid -> sign-on
        self.grants: dict[str, Grant] = {}  # code -> grant
        self.by_access_token: dict[str, Grant] = {}
        self.refused_tokens: list[str] = []  # why token requests were refused
        # The portal's front-channel logout address, registered with this provider.
        self.frontchannel_logout_uri = ""
        # The default person's level (the ID token of a code the login page did not issue).
        self.default_acr = "idporten-loa-substantial"
        self.give_email = True
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider._answer(self, {})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                provider._answer(self, {k: v[0] for k, v in parse_qs(body).items()})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def start(self) -> IdentityProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ----------------------------------------------------------------------- documents

    def _id_token(self, *, sub: str, acr: str, sid: str, pid: str, nonce: str = "") -> str:
        claims = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": sub,
            "acr": acr,
            "amr": ["TestID"],
            "sid": sid,
            "pid": pid,
            "auth_time": int(time.time()),
            "exp": int(time.time()) + 120,
            "iat": int(time.time()),
            "jti": uuid.uuid4().hex,
        }
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode(claims, "not-verified-when-fetched-directly", algorithm="HS256")

    def _documents(self) -> dict[str, dict]:
        return {
            "/.well-known/openid-configuration": {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "end_session_endpoint": f"{self.url}/logout",
                "jwks_uri": f"{self.url}/jwks",
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "acr_values_supported": list(LEVELS[1:]),
                "code_challenge_methods_supported": ["S256"],
                "frontchannel_logout_supported": True,
                "frontchannel_logout_session_supported": True,
            },
            "/token": {
                "access_token": uuid.uuid4().hex,
                "token_type": "Bearer",
                "expires_in": 120,
                "id_token": self._id_token(
                    sub="19089328672", acr=self.default_acr, sid="default-sid", pid=""
                ),
            },
            "/userinfo": {
                "sub": "19089328672",
                "email": "ola.idporten@example.no",
                "email_verified": True,
                "name": "Ola ID-porten",
            },
            "/jwks": {"keys": []},
        }

    # ----------------------------------------------------------------------- HTTP

    def _answer(self, handler: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        parts = urlsplit(handler.path)
        path = parts.path
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.requests.append(path)
        behaviour = self.behaviour.get(path, WORKING)
        if behaviour == "hang":
            time.sleep(self.hang_seconds)
            return
        if behaviour == "500":
            self._send(handler, 500, b"<html><body>Server Error</body></html>", "text/html")
        elif behaviour == "garbage":
            self._send(handler, 200, b"\x00\xffnot json at all<", None)
        elif behaviour == "empty-json":
            self._send(handler, 200, b"{}", "application/json")
        elif path == "/authorize":
            self._authorize(handler, query if handler.command == "GET" else form)
        elif path == "/token":
            self._token(handler, form)
        elif path == "/userinfo":
            self._userinfo(handler)
        elif path == "/logout":
            self._end_session(handler, query)
        elif path == "/logout-elsewhere":
            self._logout_elsewhere(handler)
        else:
            document = self._documents().get(path)
            if document is None:
                self._send(handler, 404, b"not found", "text/plain")
            else:
                self._json(handler, document)

    def _sign_on_of(self, handler) -> SignOn | None:
        cookie = SimpleCookie(handler.headers.get("Cookie") or "")
        morsel = cookie.get(COOKIE)
        return self.sign_ons.get(morsel.value) if morsel else None

    def _authorize(self, handler, params: dict[str, str]) -> None:
        asked = params.get("acr_values") or LEVELS[1]
        if handler.command == "GET":
            self.authorize_requests.append(params)
        sign_on = self._sign_on_of(handler)
        headers: list[tuple[str, str]] = []
        if handler.command == "POST":
            pid = params.get("pid", "").strip() or DEFAULT_PID
            acr = params.get("level") if params.get("level") in LEVELS else asked
            name = params.get("name", "").strip() or "Kari Nordmann"
            self.credential_logins.append((pid, acr))
            sign_on = SignOn(sid=secrets.token_urlsafe(16), pid=pid, acr=acr, name=name)
            self.sign_ons[sign_on.sid] = sign_on
            headers.append(("Set-Cookie", f"{COOKIE}={sign_on.sid}; Path=/; HttpOnly"))
        elif sign_on is None or LEVELS.index(sign_on.acr) < LEVELS.index(asked):
            self._login_page(handler, params, asked)
            return
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            sign_on=sign_on,
            client_id=params.get("client_id", ""),
            redirect_uri=params.get("redirect_uri", ""),
            code_challenge=params.get("code_challenge", ""),
            nonce=params.get("nonce", ""),
        )
        target = params.get("redirect_uri", "")
        target += ("&" if "?" in target else "?") + urlencode(
            {"code": code, "state": params.get("state", "")}
        )
        self._redirect(handler, target, headers)

    def _login_page(self, handler, params: dict[str, str], asked: str) -> None:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
        )
        options = "".join(
            f'<option value="{level}"{" selected" if level == asked else ""}>{level}</option>'
            for level in LEVELS
        )
        page = f"""<!doctype html><html lang="nb"><head><meta charset="utf-8">
<title>Test-ID-porten</title></head><body><main><h1>Logg inn (test)</h1>
<form method="post" action="/authorize">{hidden}
<p><label for="pid">Fødselsnummer</label> <input id="pid" name="pid" value="{DEFAULT_PID}"></p>
<p><label for="name">Navn</label> <input id="name" name="name" value="Kari Nordmann"></p>
<p><label for="level">Sikkerhetsnivå</label> <select id="level" name="level">{options}</select></p>
<p><button type="submit">Logg inn</button></p></form></main></body></html>"""
        self._send(handler, 200, page.encode(), "text/html; charset=utf-8")

    def _token(self, handler, form: dict[str, str]) -> None:
        grant = self.grants.pop(form.get("code", ""), None)
        if grant is None:
            self._json(handler, self._documents()["/token"])
            return
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if grant.code_challenge and challenge != grant.code_challenge:
            self.refused_tokens.append("PKCE code_verifier does not match the code_challenge")
            self._json(handler, {"error": "invalid_grant"}, status=400)
            return
        if form.get("redirect_uri") != grant.redirect_uri:
            self.refused_tokens.append("redirect_uri differs from the authorization request")
            self._json(handler, {"error": "invalid_grant"}, status=400)
            return
        self.by_access_token[grant.access_token] = grant
        sign_on = grant.sign_on
        self._json(
            handler,
            {
                "access_token": grant.access_token,
                "token_type": "Bearer",
                "expires_in": 120,
                "id_token": self._id_token(
                    sub=self.sub_of(sign_on.pid),
                    acr=sign_on.acr,
                    sid=sign_on.sid,
                    pid=sign_on.pid,
                    nonce=grant.nonce,
                ),
            },
        )

    @staticmethod
    def sub_of(pid: str) -> str:
        """The pairwise `sub` this provider gives a person (not the number itself)."""
        return "sub-" + hashlib.sha256(pid.encode()).hexdigest()[:20]

    def _userinfo(self, handler) -> None:
        token = (handler.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        grant = self.by_access_token.get(token)
        if grant is None:
            self._json(handler, self._documents()["/userinfo"])
            return
        given, _, family = grant.sign_on.name.rpartition(" ")
        userinfo = {
            "sub": self.sub_of(grant.sign_on.pid),
            "pid": grant.sign_on.pid,
            "name": grant.sign_on.name,
            "given_name": given or grant.sign_on.name,
            "family_name": family if given else "",
        }
        if self.give_email:
            userinfo |= {"email": f"{userinfo['sub']}@idporten.example.no", "email_verified": True}
        self._json(handler, userinfo)

    def _end_session(self, handler, params: dict[str, str]) -> None:
        """RP-initiated logout: the single sign-on session ends; back to the client."""
        self.end_session_requests.append(params)
        sign_on = self._sign_on_of(handler)
        hint_sid = ""
        try:
            hint = jwt.decode(params.get("id_token_hint", ""), options={"verify_signature": False})
            hint_sid = hint.get("sid", "")
        except jwt.PyJWTError:
            pass
        for sid in {hint_sid, sign_on.sid if sign_on else ""} - {""}:
            self.sign_ons.pop(sid, None)
        back = params.get("post_logout_redirect_uri", "")
        headers = [("Set-Cookie", f"{COOKIE}=; Path=/; Max-Age=0")]
        if back:
            back += ("&" if "?" in back else "?") + urlencode({"state": params.get("state", "")})
            self._redirect(handler, back, headers)
        else:
            self._send(handler, 200, b"<p>Logget ut</p>", "text/html", headers)

    def _logout_elsewhere(self, handler) -> None:
        """The person logs out at another service: the provider ends its session and tells
        every client in front-channel, with an iframe per client (here: the portal)."""
        sign_on = self._sign_on_of(handler)
        frames = ""
        if sign_on is not None:
            self.sign_ons.pop(sign_on.sid, None)
            if self.frontchannel_logout_uri:
                target = f"{self.frontchannel_logout_uri}?" + urlencode(
                    {"iss": self.url, "sid": sign_on.sid}
                )
                frames = f'<iframe title="portal" src="{html.escape(target)}"></iframe>'
        page = f"""<!doctype html><html lang="nb"><head><meta charset="utf-8">
<title>Logget ut</title></head><body><main><h1>Du er logget ut</h1>{frames}</main></body></html>"""
        headers = [("Set-Cookie", f"{COOKIE}=; Path=/; Max-Age=0")]
        self._send(handler, 200, page.encode(), "text/html; charset=utf-8", headers)

    # ----------------------------------------------------------------------- responses

    def _json(self, handler, document: dict, status: int = 200) -> None:
        self._send(handler, status, json.dumps(document).encode(), "application/json")

    def _redirect(self, handler, location: str, headers: list[tuple[str, str]]) -> None:
        self._send(handler, 302, b"", None, [("Location", location), *headers])

    @staticmethod
    def _send(
        handler,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: list[tuple[str, str]] = (),
    ) -> None:
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def main() -> None:
    """Run the provider for `make run` (see README), until Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument(
        "--portal", default="http://127.0.0.1:8000", help="the portal, for front-channel logout"
    )
    arguments = parser.parse_args()
    provider = IdentityProvider(port=arguments.port)
    provider.frontchannel_logout_uri = (
        f"{arguments.portal.rstrip('/')}/konto/oidc/idporten/logout/frontchannel/"
    )
    provider.give_email = False  # as ID-porten: the portal asks for an address
    print(f"test identity provider on {provider.url} (client id {CLIENT_ID}); Ctrl-C stops it")
    print(f"log out elsewhere (front-channel logout): {provider.url}/logout-elsewhere")
    try:
        provider.server.serve_forever()
    except KeyboardInterrupt:
        provider.server.server_close()


if __name__ == "__main__":
    main()
