"""Vivere SAP community portal: content model, site build and command line."""

__version__ = "0.1.0"
