# The two commands of the README: `make run` and `make test`.
VENV    := .venv
BIN     := $(VENV)/bin
FLASK   := $(BIN)/flask --app participation
STAMP   := $(VENV)/.installed
PORT    ?= 5000
# Links in e-mails printed to the console point at the local server.
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL
PYTHON  ?= python3

.PHONY: run test install db demo lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,prod,s3]'
	touch $(STAMP)

install: $(STAMP)

db: install
	$(FLASK) db upgrade
	$(FLASK) seed

run: db
	$(FLASK) demo --if-empty
	@echo "Die Plattform läuft auf http://127.0.0.1:$(PORT) – Bestätigungslinks erscheinen hier in der Konsole."
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache
