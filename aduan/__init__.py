"""Aduan: national public-service complaints and aspirations system."""
