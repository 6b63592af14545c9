"""No deadlock, no lost answer: a member accepts proposal P1 while DAECT confirms proposal
P2 of the same need. Both services lock the need first (missions.services' lock order),
so one waits for the other; the loser gets a clear refusal, never a deadlock."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from expect.accounts.models import User
from missions import services
from missions.models import Mission, MissionProposal, MissionRequest
from tests.accounts.factories import UserFactory
from tests.missions.factories import MissionProposalFactory, MissionRequestFactory, labelled_member

PState = MissionProposal.State
RUNS = 50


def _open_proposal(need):
    member = labelled_member(need.theme)
    return MissionProposalFactory(request=need, collectivity=member.collectivity), member


def _race(first, second) -> dict[str, list]:
    """Run both at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(2)
    outcome: dict[str, list] = {"done": [], "refused": [], "crashed": []}

    def run(name, action):
        try:
            barrier.wait(timeout=10)
            action()
            outcome["done"].append(name)
        except ValidationError as refusal:
            outcome["refused"].append((name, refusal.code, refusal.messages[0]))
        except Exception as error:  # a deadlock would land here  # noqa: BLE001
            outcome["crashed"].append((name, repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return outcome


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", range(RUNS))
def test_accepting_one_proposal_while_another_is_confirmed_never_deadlocks(run):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: row locks need PostgreSQL")
    need = MissionRequestFactory(state=MissionRequest.State.PROPOSED)
    p1, member = _open_proposal(need)
    p2, other_member = _open_proposal(need)
    services.proposal_accept(proposal=p2, by=other_member, experts=[other_member])
    agent = UserFactory(role=User.Role.DAECT)

    outcome = _race(
        ("accept", lambda: services.proposal_accept(proposal=p1, by=member, experts=[member])),
        ("confirm", lambda: services.proposal_confirm(proposal=p2, by=agent)),
    )

    assert outcome["crashed"] == []
    assert "confirm" in outcome["done"]
    assert Mission.objects.filter(request=need, proposal=p2).count() == 1
    p1.refresh_from_db()
    if "accept" in outcome["done"]:
        # Accepted first: the answer is kept, then closed because P2 was chosen.
        assert p1.answered_by == member
        assert p1.state == PState.CLOSED
    else:
        # Confirmed first: the member is told why, and nothing of theirs is half-saved.
        [(name, code, message)] = outcome["refused"]
        assert (name, code) == ("accept", "taken")
        assert "autre collectivité" in message
        assert p1.state == PState.CLOSED and p1.answered_by is None
