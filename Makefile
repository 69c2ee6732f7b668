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

.PHONY: run serve serve-check test install db demo lint format clean

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

# As in production on this machine: gunicorn with deploy/gunicorn.conf.py and
# APP_ENV=production; DATABASE_URL, MAIL_URL, ... come from the environment
# (deploy/env.example). SITE_URL, unless set, is the address gunicorn listens on.
GUNICORN_BIND ?= 127.0.0.1:8000
serve: export APP_ENV = production
serve: export GUNICORN_BIND := $(GUNICORN_BIND)
ifeq ($(origin SITE_URL),file)
serve: SITE_URL = http://$(GUNICORN_BIND)
endif
serve: serve-check install
	$(FLASK) db upgrade
	$(FLASK) seed
	@echo "Produktionsmodus auf http://$(GUNICORN_BIND) (SITE_URL $(SITE_URL)) – Strg+C beendet."
	exec $(BIN)/gunicorn -c deploy/gunicorn.conf.py 'participation:create_app()'

serve-check:  # before the install, which may take a minute
	@if [ $${#SECRET_KEY} -lt 32 ]; then \
	  printf '%s\n' \
	    "SECRET_KEY fehlt oder ist kürzer als 32 Zeichen." \
	    "make serve startet die Plattform wie in Produktion (APP_ENV=production), und dort" \
	    "braucht sie einen eigenen geheimen Schlüssel. Erzeugen Sie einen, zum Beispiel so:" \
	    "" \
	    "  export SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_hex(32))')" \
	    "  make serve" \
	    "" \
	    "Bewahren Sie ihn auf (auf dem Server in /etc/zukunft-st/env, siehe deploy/env.example):" \
	    "Ein neuer Schlüssel meldet alle ab und macht die Links in E-Mails ungültig." >&2; \
	  exit 1; \
	fi

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
