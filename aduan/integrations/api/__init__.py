"""Agency API v1 (``/api/v1/agency/``): what an officer can do, for an agency's own system."""
