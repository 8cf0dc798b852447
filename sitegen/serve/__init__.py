"""The dev server's own parts: what an edit touches (incremental.py, deps.py; the body-edit path edits.py,
writing output.py), watching files (watch.py), serving them with live reload (server.py) and indexing
search in the background (search.py). The `sitegen serve` command that puts them together is
sitegen/commands/serve.py."""
