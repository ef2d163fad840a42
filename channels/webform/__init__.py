"""The web form channel: a public form submission (or a form builder's JSON) becomes
a contact like a mail does: stored once, then its contact workflow starts."""
