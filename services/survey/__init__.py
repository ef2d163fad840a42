"""The satisfaction survey: settings per product, who gets one, the signed links,
and the answers (by link or keypad)."""
