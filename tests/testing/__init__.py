"""Tests of runware_testkit.testing and the pytest plugin."""
