"""Fixture project: the pipeline's shared settings with a title of its own."""

from scripts.sphinxext.defaults import *  # noqa: F403

project = "Proyecto de prueba"
policy_subtitle = "Un proyecto pequeño para las pruebas"
author = "Equipo de pruebas"
policy_license = "CC BY 4.0"
policy_license_url = "https://creativecommons.org/licenses/by/4.0/"
copyright = "2026, Equipo de pruebas"
