"""The /__testkit control plane: control API routes and the webhook sink."""
