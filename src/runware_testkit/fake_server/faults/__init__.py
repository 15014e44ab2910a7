"""Fault injection: scenarios, the error catalog and prompt tokens."""
