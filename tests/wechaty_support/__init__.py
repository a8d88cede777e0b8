"""Test support for the WeChat channel: a recording FakePuppet and a loopback puppet service."""
