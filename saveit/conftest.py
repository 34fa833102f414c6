"""Every test uses the project's pytest plugin: personas and shared set-ups."""

pytest_plugins = ["saveit.testing.plugin"]
