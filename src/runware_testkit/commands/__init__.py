"""Subcommands of the ``runware-testkit`` command line."""
