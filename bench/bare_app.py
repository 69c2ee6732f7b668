"""The yardstick of bench/page_cost.py: a bare Flask response, served the same way."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def bare() -> str:
    return "Hallo"
