"""Channels hand plain IncomingMessages to the dispatcher and render its Replies."""
