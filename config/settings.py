"""Settings for MP Rating, driven by environment variables with safe defaults.

Every variable is documented in README.md («Конфигурация»).
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_EVAL, UNSAFE_INLINE
from django.templatetags.static import static
from django.urls import reverse_lazy

from config.env import dev_fernet_key, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)
# The development key only works with DEBUG on; production must set its own.
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or (
    "dev-insecure-key-do-not-use-in-production" if DEBUG else ""
)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development).")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Unfold must come before django.contrib.admin to theme it; its app config here makes
    # `admin.site` the back office's site (mprating/backoffice/site.py).
    "mprating.backoffice.site.UnfoldConfig",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    # django-ninja: /api/v1/docs serves its vendored Swagger UI (no CDN: works offline).
    "ninja",
    "axes",
    "csp",
    "django_tasks",
    # Before django-tasks-db: core's `db_worker` (the package's worker plus the lease sweep,
    # mprating/core/leases.py) replaces the package's command of the same name.
    "mprating.core",
    # django-tasks-db under a Russian name (mprating/backoffice/tasks_app.py).
    "mprating.backoffice.tasks_app.TasksDatabaseConfig",
    "mprating.accounts",
    "mprating.vehicles",
    "mprating.catalog",
    "mprating.pickup_points",
    "mprating.finance",
    "mprating.billing",
    "mprating.cart",
    "mprating.orders",
    "mprating.notifications",
    "mprating.garage",
    "mprating.marketplaces",
    "mprating.returns",
    "mprating.partners",
    "mprating.cabinet",
    "mprating.backoffice",
    "mprating.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mprating.core.middleware.PermissionsPolicyMiddleware",
    # Content-Security-Policy on every answer, the back office's additions on its paths
    # (mprating/core/csp.py); early, so that it also sees the answers of the middleware below.
    "mprating.core.csp.ContentSecurityPolicyMiddleware",
    # An overlong address: Russian 400 page, or the API's JSON 414 (mprating/core/middleware.py).
    "mprating.core.middleware.UrlLengthMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # NotFound raised in a cabinet or back office view → 404 (mprating/core/middleware.py).
    "mprating.core.middleware.NotFoundMiddleware",
    # Errors under API_URL_PREFIX answer the API's JSON shape, also Django's own 404/405/500.
    "mprating.core.middleware.ApiErrorMiddleware",
    # An action's address opened as a page (Django's empty 405) → the site's Russian page.
    "mprating.cabinet.middleware.MethodNotAllowedPage",
    # Over a rate limit (mprating/core/ratelimits.py): the Russian 429, not Ratelimited's 403.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

# The longest address served (path + query), as gunicorn's default request line limit; longer
# ones get a Russian answer (core.middleware.UrlLengthMiddleware; gunicorn.conf.py lets them in).
MAX_URL_LENGTH = env_int("MAX_URL_LENGTH", 4094)

ROOT_URLCONF = "config.urls"
# Where config/urls.py mounts the JSON API; errors under it are JSON (ApiErrorMiddleware).
API_URL_PREFIX = "/api/"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mprating" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mprating.cabinet.context_processors.cabinet",
            ],
        },
    },
]
# Django's renderer with its widget templates written in Python: the same bytes, without an
# include per <option> (issue 13; mprating/core/fast_widgets.py).
FORM_RENDERER = "mprating.core.fast_widgets.FastFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
SILENCED_SYSTEM_CHECKS = [
    # E-mail is unique case-insensitively through a functional UniqueConstraint
    # (Lower(email)), which this check does not see.
    "auth.W004",
    # Covering indexes (INCLUDE) are a PostgreSQL speed-up; SQLite builds them without the
    # included columns, which is all it needs.
    "models.W040",
    # HSTS «preload» is the domain owner's decision, not a default: once the header carries it,
    # anyone may submit the domain to the browsers' built-in list, which then forces https on
    # it and every subdomain for months. DJANGO_SECURE_HSTS_PRELOAD=1 turns it on.
    "security.W021",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "mprating.accounts.backends.EmailOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = reverse_lazy("accounts:login")
LOGIN_REDIRECT_URL = reverse_lazy("home")
LOGOUT_REDIRECT_URL = reverse_lazy("accounts:login")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# The Russian «Форма устарела» page instead of Django's English one (the 403/404/500 pages are
# the handlers in config/urls.py).
CSRF_FAILURE_VIEW = "mprating.cabinet.views.csrf_failure"

# The client's address for per-address limits (rate limits below, django-axes): behind nginx, the
# header nginx sets to it (`proxy_set_header X-Real-IP $remote_addr;`, which also overwrites the
# client's own); empty — no proxy, the connection's address (mprating/core/client_ip.py).
_client_ip_header = env_str("DJANGO_CLIENT_IP_HEADER", "X-Real-IP").strip()
CLIENT_IP_META_KEY = (
    "HTTP_" + _client_ip_header.upper().replace("-", "_") if _client_ip_header else None
)

# Rate limits (django-ratelimit through mprating/core/ratelimits.py; issue 12, ASVS V11.1.4):
# POSTs per client address (per person for uploads and chat) in a window — "5/h" is five an
# hour, "30/10m" thirty in ten minutes; empty switches a limit off. Counted in the cache (Redis
# when REDIS_URL is set: one count for every app server; this process's memory otherwise). The
# request over a limit changes nothing and gets the Russian 429 page (htmx: a notice). The JSON
# API is not limited here. django_ratelimit is not in INSTALLED_APPS on purpose: its system
# check only knows memcached and django-redis and would fail `check --deploy` on Django's own
# Redis and local-memory caches, which count atomically enough for these limits.
RATELIMIT_REGISTRATION = env_str("RATELIMIT_REGISTRATION", "5/h")  # registration, «Стать партнёром»
RATELIMIT_PASSWORD_RESET = env_str("RATELIMIT_PASSWORD_RESET", "5/h")  # «Забыли пароль?»
RATELIMIT_LOGIN = env_str("RATELIMIT_LOGIN", "30/10m")  # the cabinet's and back office's sign-in
RATELIMIT_UPLOAD = env_str("RATELIMIT_UPLOAD", "20/h")  # cart file, return photos, imports
RATELIMIT_CHAT = env_str("RATELIMIT_CHAT", "20/m")  # a client's messages in a VIN request chat
RATELIMIT_IP_META_KEY = "mprating.core.client_ip.client_ip"
RATELIMIT_VIEW = "mprating.cabinet.views.too_many_requests"

# django-axes: lock a login (e-mail/phone) from one address after repeated failures.
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
# Failures are counted in the database: every app server sees the same count, and a restart of
# the cache (or a cache in each process's memory) never resets a lockout.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A locked-out person sees the sign-in page they used (the cabinet's or the back office's) with
# the Russian lockout message, status 429 (mprating/accounts/lockout.py).
AXES_LOCKOUT_CALLABLE = "mprating.accounts.lockout.lockout_response"
AXES_VERBOSE = False
# The sign-in form field is "username" (e-mail or phone), not the model's USERNAME_FIELD.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "mprating.accounts.backends.axes_username"
AXES_CLIENT_IP_CALLABLE = "mprating.core.client_ip.client_ip"

# Personal API tokens of clients (issue 12, «Личная информация» → «API-токены»): how many a
# client may hold at once, how often a token's «last used» is written (seconds; not on every
# request), and the request rates of the JSON API (django-ninja's «N/s|min|hour|day»): per
# token, and per signed-in user for the site's own session (empty: no limit).
API_TOKENS_PER_CLIENT = env_int("API_TOKENS_PER_CLIENT", 20)
API_TOKEN_TOUCH_SECONDS = env_int("API_TOKEN_TOUCH_SECONDS", 60)
API_TOKEN_RATE = env_str("API_TOKEN_RATE", "120/min")
API_SESSION_RATE = env_str("API_SESSION_RATE", "600/min")

# The cache: Redis when REDIS_URL is set (redis://host:6379/<db>), so that every app server on
# every machine reads and invalidates the same values; this process's memory otherwise (one
# process: `make run`, the tests). The prefix keeps two deployments (or test runs) on one Redis
# apart. A Redis that stops answering fails fast (REDIS_TIMEOUT_MS) instead of hanging a page.
REDIS_URL = env_str("REDIS_URL")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "mprating")
if REDIS_URL:
    _redis_timeout = env_int("REDIS_TIMEOUT_MS", 1000) / 1000
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": env_int("CACHE_TIMEOUT", 300),
            "OPTIONS": {
                "socket_connect_timeout": _redis_timeout,
                "socket_timeout": _redis_timeout,
                # A connection the pool kept while Redis restarted is checked before use.
                "health_check_interval": 30,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "mprating",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": env_int("CACHE_TIMEOUT", 300),
        }
    }

# Sessions live in the database (they survive a cache restart) with a copy in the cache, so a
# page reads its session without a query; with Redis every app server sees every session.
SESSION_ENGINE = "mprating.core.sessions"  # cached_db that survives the cache going away
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS only in production (`manage.py check --deploy` passes with the defaults): a plain-http
# request is redirected, and browsers are told by HSTS to use https for a year. Development
# (`make run`, DJANGO_DEBUG=1) serves plain http and sends no HSTS.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
# Behind a proxy that ends TLS (nginx), the proxy tells the app the request came over https in
# this header (nginx: `proxy_set_header X-Forwarded-Proto $scheme;`, which also overwrites
# whatever the client sent). Without it every request looks like http and the redirect above
# loops. Empty: no proxy, the app trusts no header (gunicorn serving TLS itself).
_proxy_ssl_header = env_str("DJANGO_PROXY_SSL_HEADER", "X-Forwarded-Proto").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
# Headers on every response (SecurityMiddleware; Permissions-Policy from
# core.middleware.PermissionsPolicyMiddleware): other sites learn no address of our pages, the
# browser never guesses a content type, a window opened from another site gets no handle on
# ours, and no page may use a device or API the product has no use for.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# Content-Security-Policy (django-csp 4, mprating/core/csp.py; issue 12, ASVS V14.4). Everything
# from our own origin only: no inline script or style (the pages' scripts are static/js/*.js;
# colours and widths from data are set by static/js/styles.js), images also as data: URLs
# (icons inside CSS), no plugins, no <base> to elsewhere, forms post only to us, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The back office (django-unfold) only: its Alpine.js expressions need eval, its templates
# write inline styles. Still no inline script there (mprating/core/csp.py explains).
CSP_BACKOFFICE_PREFIX = "/backoffice/"
CSP_BACKOFFICE_UPDATE = {"script-src": [UNSAFE_EVAL], "style-src": [UNSAFE_INLINE]}

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
# Russian for django-unfold, which ships no catalog of its own (.po beside the compiled .mo).
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Whitenoise's compressed manifest storage, each address worked out once per process.
        "BACKEND": "mprating.core.staticfiles.KeptUrlStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded and generated files (return photos, statements, imports). Every file is served by a
# view that checks who asks, never from MEDIA_URL; several app servers and workers share one
# directory (README «Несколько серверов и воркеров»).
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"

# E-mail goes through Django's mail API; the console backend prints it in development.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MP Rating <noreply@mprating.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: the Django Tasks API with the database backend (`manage.py db_worker`).
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Long background jobs (imports, акты сверки) hold a lease that each committed batch renews; a
# job whose worker was silent this long is taken over by another worker, after its last
# committed batch (mprating/core/leases.py). Every db_worker looks for such jobs this often.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 120)
JOB_LEASE_SWEEP_SECONDS = env_int("JOB_LEASE_SWEEP_SECONDS", 30)
# Rows per committed batch of a catalog import; 0 — each kind's own (crosses 5 000, others 2 000).
IMPORT_BATCH_ROWS = env_int("IMPORT_BATCH_ROWS", 0)

# 152-ФЗ (issue 12): finished background task results (their arguments may hold personal data,
# e.g. the address typed in «Забыли пароль?») are deleted after this many days.
TASK_RESULTS_KEEP_DAYS = env_int("TASK_RESULTS_KEEP_DAYS", 7)

# Seed 004: an order whose lines are all final moves to the archive by itself when «последний
# статус менялся больше 2 месяцев тому назад».
ORDERS_AUTO_ARCHIVE_MONTHS = env_int("ORDERS_AUTO_ARCHIVE_MONTHS", 2)

# Finance (seed 004 «Финансы»): where the figures come from — `embedded` (the store's own
# ledger) or `onec` (1С:Управление торговлей); the page shows «транзакции за последние две
# недели»; how long a period the page and an акт сверки may cover; when data copied from the
# accounting system counts as stale.
FINANCE_GATEWAY = env_str("FINANCE_GATEWAY", "embedded")
FINANCE_RECENT_DAYS = env_int("FINANCE_RECENT_DAYS", 14)
FINANCE_PAGE_MAX_DAYS = env_int("FINANCE_PAGE_MAX_DAYS", 366)
FINANCE_STATEMENT_MAX_DAYS = env_int("FINANCE_STATEMENT_MAX_DAYS", 1096)
FINANCE_STALE_AFTER_MINUTES = env_int("FINANCE_STALE_AFTER_MINUTES", 60)
# The store's requisites printed in an акт сверки.
STORE_LEGAL_NAME = env_str("STORE_LEGAL_NAME", "ООО «МП Рейтинг»")
STORE_INN = env_str("STORE_INN", "7700000009")
STORE_KPP = env_str("STORE_KPP", "770001001")
STORE_ADDRESS = env_str("STORE_ADDRESS", "125009, г. Москва, ул. Тверская, д. 1")
# 1С:Управление торговлей adapter of the accounting gateway (mprating.finance.onec). Keys that
# encrypt the 1С password (Fernet, newest first); the connection itself is set in the back office.
FINANCE_ONEC_SECRET_KEYS = env_list("FINANCE_ONEC_SECRET_KEYS", [])
FINANCE_ONEC_TIMEOUT = env_int("FINANCE_ONEC_TIMEOUT", 60)
FINANCE_ONEC_STALE_MINUTES = env_int("FINANCE_ONEC_STALE_MINUTES", 15)
FINANCE_ONEC_WINDOW_DAYS = env_int("FINANCE_ONEC_WINDOW_DAYS", 90)
FINANCE_ONEC_PAGE_SIZE = env_int("FINANCE_ONEC_PAGE_SIZE", 500)
FINANCE_ONEC_BATCH_SIZE = env_int("FINANCE_ONEC_BATCH_SIZE", 50)
FINANCE_ONEC_TIMEZONE = env_str("FINANCE_ONEC_TIMEZONE", "Europe/Moscow")
# Seed 000 «Аккаунты маркетплейсов». Passwords of the accounts are encrypted with Fernet keys
# (comma-separated; the first encrypts, all decrypt: put a new key first, run
# `manage.py rotate_marketplace_keys`, then drop the old one). Development derives one from
# SECRET_KEY; production must set its own.
MARKETPLACE_SECRET_KEYS = env_list("MARKETPLACE_SECRET_KEYS", []) or (
    [dev_fernet_key(SECRET_KEY)] if DEBUG else []
)
# «Войти вручную»: a taken account counts as free again after this many minutes.
MARKETPLACE_TAKE_TIMEOUT_MINUTES = env_int("MARKETPLACE_TAKE_TIMEOUT_MINUTES", 120)
# Seed 000: «через 30 дней, учетная запись перейдёт из статуса Активен в Не активен».
MARKETPLACE_EXPIRY_WARNING_DAYS = env_int("MARKETPLACE_EXPIRY_WARNING_DAYS", 30)
# Where «Войти вручную» sends the operator: the marketplaces' own sign-in pages.
MARKETPLACE_LOGIN_URLS = {
    "wildberries": env_str(
        "MARKETPLACE_WILDBERRIES_LOGIN_URL", "https://www.wildberries.ru/security/login"
    ),
    "ozon": env_str("MARKETPLACE_OZON_LOGIN_URL", "https://www.ozon.ru/my/main"),
}

# «Возвраты» (seed 004): how many photos a client attaches to one return, how big each may be
# (megabytes of the file, megapixels of the picture — a «decompression bomb» is refused).
RETURNS_MAX_PHOTOS = env_int("RETURNS_MAX_PHOTOS", 5)
RETURNS_MAX_PHOTO_MB = env_int("RETURNS_MAX_PHOTO_MB", 5)
RETURNS_MAX_PHOTO_MEGAPIXELS = env_int("RETURNS_MAX_PHOTO_MEGAPIXELS", 40)
# Uploaded XLSX tables (every import): an XLSX is a zip archive; before anything unpacks it,
# its table of contents is checked against these caps so that a small file that unpacks to
# gigabytes (a «zip bomb») is refused at once (mprating/core/tabular.py).
TABULAR_XLSX_MAX_UNPACKED_MB = env_int("TABULAR_XLSX_MAX_UNPACKED_MB", 100)
TABULAR_XLSX_MAX_RATIO = env_int("TABULAR_XLSX_MAX_RATIO", 100)
TABULAR_XLSX_MAX_MEMBERS = env_int("TABULAR_XLSX_MAX_MEMBERS", 1000)
# Partner pickup points (seed 000 «Подключенные ПВЗ»): how long an owner's invitation link
# works, and after how many days a line waiting at a point counts as overdue.
PARTNER_INVITATION_HOURS = env_int("PARTNER_INVITATION_HOURS", 72)
PARTNER_OVERDUE_DAYS = env_int("PARTNER_OVERDUE_DAYS", 7)
# Packages (seed 000 «Монетизация»): whether an order needs a valid package of requests
# (False: the store sells without them; a client who has a package still uses it), and the
# bank details shown for a package paid by invoice, lines separated by «|».
BILLING_PACKAGES_REQUIRED = env_bool("BILLING_PACKAGES_REQUIRED", default=False)
BILLING_PAYMENT_DETAILS = [
    line.strip() for line in env_str("BILLING_PAYMENT_DETAILS").split("|") if line.strip()
]

# Where links in e-mails point (password reset and later notifications).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# The back office in the store's look: the cabinet's blue (static/css/app.css: #1d4ed8 for
# buttons and links, #1e40af when pressed, the navy #0f172a of its top bar) as unfold's primary
# colour, its slate greys as the base, its logo and favicon, and a stylesheet of our own
# (phone-width tables). The font stays unfold's Inter, served from our own static files: it is
# the cabinet's first choice too (app.css), and the back office's column widths are set for it.
UNFOLD = {
    "SITE_TITLE": "MP Rating — бэкофис",
    "SITE_HEADER": "MP Rating",
    "SITE_SUBHEADER": "Панель управления",
    "SITE_URL": "/",
    "SITE_ICON": lambda request: static("img/favicon.svg"),
    "SITE_FAVICONS": [
        {
            "rel": "icon",
            "type": "image/svg+xml",
            "href": lambda request: static("img/favicon.svg"),
        },
    ],
    "STYLES": [lambda request: static("css/backoffice.css")],
    # Our back office behaviour (copy buttons, a period chooser): no inline script (CSP).
    "SCRIPTS": [lambda request: static("js/backoffice.js")],
    "COLORS": {
        "base": {
            "50": "#f8fafc",
            "100": "#f1f5f9",
            "200": "#e2e8f0",
            "300": "#cbd5e1",
            "400": "#94a3b8",
            "500": "#64748b",
            "600": "#475569",
            "700": "#334155",
            "800": "#1e293b",
            "900": "#0f172a",
            "950": "#020617",
        },
        "primary": {
            "50": "#eff6ff",
            "100": "#dbeafe",
            "200": "#bfdbfe",
            "300": "#93c5fd",
            "400": "#3b82f6",
            "500": "#2563eb",
            "600": "#1d4ed8",
            "700": "#1e40af",
            "800": "#1e3a8a",
            "900": "#172554",
            "950": "#0f172a",
        },
    },
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "mprating.backoffice.dashboard.dashboard_callback",
    "BORDER_RADIUS": "6px",
    "SIDEBAR": {
        "show_search": False,
        "show_all_applications": False,
        "navigation": "mprating.backoffice.navigation.sidebar",
    },
}
