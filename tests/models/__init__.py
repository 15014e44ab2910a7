"""Tests for the pydantic wire models."""
