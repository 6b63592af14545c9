from django.urls import path

from expect.urls import *  # noqa: F403
from expect.urls import urlpatterns as portal

from .floor import floor

urlpatterns = [path("__bench/floor/<slug:name>", floor, name="bench_floor"), *portal]
