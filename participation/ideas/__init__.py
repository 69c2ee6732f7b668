"""Ideas: submitting, finding, supporting, discussing and following them."""
