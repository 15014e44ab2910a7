"""Media the fake renders, probes, stores and serves."""
