"""services.contacts.replies: the threading a reply draft stores, worked out once."""

from __future__ import annotations

from db.models.contacts import Message
from services.contacts.replies import reply_thread


def test_a_reply_threads_below_its_parent() -> None:
    parent = Message(contact_id=1, subject="Vraag", message_id_header="q2@x", references="q1@x")
    assert reply_thread(parent) == ("q2@x", "q1@x q2@x")


def test_a_parent_without_message_id_keeps_its_references() -> None:
    parent = Message(contact_id=1, subject="Vraag", references="q1@x")
    assert reply_thread(parent) == (None, "q1@x")


def test_no_parent_no_thread() -> None:
    assert reply_thread(None) == (None, None)
    assert reply_thread(Message(contact_id=1, subject="Vraag")) == (None, None)


def test_the_chain_stays_short() -> None:
    refs = " ".join(f"m{i}@x" for i in range(30))
    in_reply_to, references = reply_thread(
        Message(contact_id=1, subject="Vraag", message_id_header="m30@x", references=refs)
    )
    chain = references.split()
    assert in_reply_to == "m30@x" and len(chain) == 20
    assert chain[0] == "m0@x" and chain[-1] == "m30@x"
