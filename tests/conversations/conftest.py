import pytest

from tests.conversations.factories import member


@pytest.fixture
def alice(db):
    return member(display_name="Alice Chen")


@pytest.fixture
def bob(db):
    return member(display_name="Bob Tremblay")


@pytest.fixture
def carol(db):
    return member(display_name="Carol Wang")
