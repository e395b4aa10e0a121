"""Topic cards, categories, directory and user-facing texts, and the code that reads them."""
