"""A person's notices: the list, following one (marked read on the way), all marked read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from notifications import selectors, services
from notifications.kinds import kind_or_unknown
from notifications.models import Notification

PAGE_SIZE = 25


@require_safe
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = [(notice, kind_or_unknown(notice.kind)) for notice in page]
    # The unread count is the navigation's (notifications.context_processors), counted once.
    return render(request, "notifications/list.html", {"page": page, "rows": rows, "query": ""})


@require_safe
@login_required
def notification_open(request: HttpRequest, notification_id) -> HttpResponse:
    """Mark the notice read, then go where it leads. Only the recipient's own: 404 to others."""
    notice = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.notification_open(notification=notice)
    try:
        return redirect(services.notification_link(notice))
    except NoReverseMatch:  # a page that no longer exists: back to the list, with a word
        messages.warning(request, _("Cette notification mène à une page qui n'existe plus."))
        return redirect("notifications:list")


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_read_all(user=request.user)
    if count:
        messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return redirect("notifications:list")
