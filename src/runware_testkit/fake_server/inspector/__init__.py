"""The Inspector: a live page of what the fake server holds, served at ``/__testkit/``.

`routes.inspector_routes` serves the page (plain HTML, CSS and JS from ``static/``, no external
assets) and the read-only views it draws from (`views`); every action on the page is an
ordinary control-API call.
"""
