"""The web app and its tools: HTTP routes, authentication, certificate files, checkpoints, the CLI and the demo."""
