"""The WSGI application, as gunicorn (clinic/gunicorn.py, `make serve`, docs/deploy.md) and any other WSGI
server load it.

The handout renderer (WeasyPrint, about 0.4 s to import) is loaded here, with the app, rather than on the
first handout request: otherwise the first patient to download a PDF from each new worker would wait for it.
With gunicorn's `preload_app` this happens once, in the master process, and every worker is forked with it
already loaded. Loading the app opens no database connection (tested), so forked workers share none.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

application = get_wsgi_application()

from education import pdf  # noqa: E402 - after the app is set up

pdf.load()  # the renderer is loaded now, not in a patient's request (see above)
