"""Tests for the fake server building blocks."""
