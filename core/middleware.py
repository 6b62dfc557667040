class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy: our own scripts and styles only, no inline script."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
            "base-uri 'self'; object-src 'none'"
        )

    def __call__(self, request):
        response = self.get_response(request)
        # Django admin ships inline scripts; it is for platform administrators only.
        if "/admin/" not in request.path:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response
