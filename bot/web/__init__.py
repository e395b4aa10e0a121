"""Static pages served by the demo."""
