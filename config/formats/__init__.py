"""The project's date formats per language (FORMAT_MODULE_PATH); what is not set here comes from Django's own locale."""
