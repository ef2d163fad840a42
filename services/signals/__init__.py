"""Customer signal management: the daily scan, signals raised by agents, the signals page."""
