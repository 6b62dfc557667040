"""Django's error reports (emails to ADMINS, the debug page) never carry case content."""

from django.views.debug import SafeExceptionReporterFilter

from cases.middleware import is_case_path


class CaseSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hides every POST field and every local variable of a request to a case URL.

    Outside the case tool Django's usual filter applies (passwords and keys hidden).
    """

    def _is_case_request(self, request) -> bool:
        return request is not None and is_case_path(getattr(request, "path_info", ""))

    def get_post_parameters(self, request):
        if self._is_case_request(request):
            return dict.fromkeys(request.POST, self.cleansed_substitute)
        return super().get_post_parameters(request)

    def get_traceback_frame_variables(self, request, tb_frame):
        if self._is_case_request(request):
            return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
        return super().get_traceback_frame_variables(request, tb_frame)

    def is_active(self, request):
        return True if self._is_case_request(request) else super().is_active(request)
