"""Streamlit helpers for the dashboard: cached data access, the shared sidebar, page widgets."""
