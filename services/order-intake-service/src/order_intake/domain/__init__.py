"""Order intake's rules: plain Python, no I/O."""
