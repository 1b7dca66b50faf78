"""URL canonicalisation, so that one article reached by several links is stored once."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "ref_src", "cmpid"}
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")


# Aggregators and social sites that wrap the real link in a query parameter.
REDIRECT_WRAPPERS = {
    "news.google.com": ("url",),
    "www.google.com": ("url", "q"),
    "google.com": ("url", "q"),
    "l.facebook.com": ("u",),
    "lm.facebook.com": ("u",),
    "www.bing.com": ("url",),
    "out.reddit.com": ("url",),
    "t.umblr.com": ("z",),
    "www.linkedin.com": ("url",),
}
MAX_UNWRAP = 5


def unwrap_redirect(url: str) -> str:
    """The target of an aggregator's redirect link (news.google.com/url?url=…), else `url` itself."""
    for _ in range(MAX_UNWRAP):
        parts = urlsplit(url)
        names = REDIRECT_WRAPPERS.get((parts.hostname or "").lower())
        if not names:
            return url
        params = dict(parse_qsl(parts.query))
        target = next((params[n] for n in names if params.get(n, "").startswith(("http://", "https://"))), None)
        if target is None:
            return url
        url = target
    return url


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments, tracking parameters and a trailing slash."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def same_site(a: str, b: str) -> bool:
    """Whether two URLs are on the same host, ignoring a leading 'www.' (a page may only claim a
    canonical URL on its own site, so that a hostile page cannot take over another site's article)."""

    def host(url: str) -> str:
        name = (urlsplit(url).hostname or "").lower()
        return name[4:] if name.startswith("www.") else name

    return host(a) == host(b) != ""
