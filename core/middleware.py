class PermissionsPolicyMiddleware:
    """No page of ours uses the camera, the microphone or the location: say so to browsers.

    The Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response
