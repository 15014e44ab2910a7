"""Tests for the request validator."""
