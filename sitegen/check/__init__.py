"""`sitegen check`: what in an archive needs care — the build's own validation without rendering, translations
that lag, sources whose saved copy changed, near-duplicate articles and (with --external) links that rot.

Each module is one kind of check: a plain function from the validated model to a list of `Finding`s."""
