"""Media the fake renders, probes, stores and serves: videos, still images, upscales, inputs."""
