"""The staff side through the admin, one module per screen as in education/admin/."""
