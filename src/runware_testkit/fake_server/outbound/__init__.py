"""Calls the fake makes: webhook deliveries and uploads."""
