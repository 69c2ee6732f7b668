"""The deployment of issue 14: deploy/nginx in front of two gunicorn servers."""
