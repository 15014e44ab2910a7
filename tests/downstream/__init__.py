"""An example downstream project: a video-edit app built on Runware, tested with the plugin."""
