"""Domain operations on dossiers, shared by the pages and the JSON API.

Each takes ``(portal, actor, now, ...)`` and plain values, changes the store, and raises
:class:`records.errors.UserError` for what cannot be done; none knows about requests. The
caller (a view) queues the reading of the file versions an operation returns (records.jobs:
after commit) and turns errors into responses (records.views.errors)."""
