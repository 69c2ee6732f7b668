"""HTTP and service tests of the ideas feature (issue 3)."""
