"""sitegen: a static research-site generator for bilingual Arabic/English archives."""

__version__ = "0.1.0"
