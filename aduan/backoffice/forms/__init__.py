"""Forms of the staff pages: they parse and validate; transitions happen in views via
the lifecycle, other writes in :mod:`aduan.backoffice.services`."""
