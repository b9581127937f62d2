"""The admin's own screens, one module per kind of screen. Each view takes the model admin that serves it
(`model_admin=`); that admin's get_urls wires it with `admin_site.admin_view`, which checks the login."""
