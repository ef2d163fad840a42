"""Management reports: one module per report family, each a few SQL queries over the
facts the workflows' activities write (contacts, messages, contact events, calls).

Every report takes a ``Scope`` (products, channel, line, period) and returns
``Table``s: the same rows feed the page, its charts and the CSV export.
"""
