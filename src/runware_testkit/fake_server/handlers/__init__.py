"""One handler per taskType behind a registry; dispatch routes validated tasks to them."""
