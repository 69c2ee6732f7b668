"""Sharing public ideas and projects: link previews (Open Graph tags and a preview image
drawn on the server) and the share block on their pages. No third-party script."""
