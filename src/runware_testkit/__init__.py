"""runware-testkit: test Runware video-model integrations offline, against the vendor's contract."""

__version__ = "0.1.0"
