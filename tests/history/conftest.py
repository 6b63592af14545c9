import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.fixture
def staff_client(client, daect):
    """The test client signed in as DAECT staff who gave their second factor."""
    device = TOTPDevice.objects.create(user=daect, name="Authenticator app", confirmed=True)
    client.force_login(daect)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
