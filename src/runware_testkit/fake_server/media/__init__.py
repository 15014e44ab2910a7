"""Real media for the fake server: still images, upscaling, image inputs (PyAV, in memory)."""
