"""The strategy: vision, values, fields of action, process, municipalities, pages."""
