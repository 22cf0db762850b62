"""Webhook management API, under /api/v1/agency/webhooks/."""

from django.urls import path

from aduan.webhooks import api_views as v

app_name = "webhooks-api"

E = "<uuid:endpoint_id>"
D = f"{E}/deliveries/<int:delivery_id>"

urlpatterns = [
    path("", v.EndpointCollectionView.as_view(), name="endpoints"),
    path(E, v.EndpointDetailView.as_view(), name="endpoint"),
    path(f"{E}/rotate-secret", v.EndpointRotateSecretView.as_view(), name="rotate-secret"),
    path(f"{E}/pause", v.EndpointPauseView.as_view(), name="pause"),
    path(f"{E}/resume", v.EndpointResumeView.as_view(), name="resume"),
    path(f"{E}/ping", v.EndpointPingView.as_view(), name="ping"),
    path(f"{E}/deliveries", v.DeliveryCollectionView.as_view(), name="deliveries"),
    path(D, v.DeliveryDetailView.as_view(), name="delivery"),
    path(f"{D}/redeliver", v.DeliveryRedeliverView.as_view(), name="redeliver"),
]
