"""Tests for the media modules (images, upscaling, inline image inputs)."""
