"""One module per scheduling plugin; each a small class around pure functions."""
