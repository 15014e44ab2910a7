"""REST and WebSocket endpoints and WebSocket sessions."""
