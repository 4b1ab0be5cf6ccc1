"""Patients' free-text comments: themes, sentiment and masking of personal details (no UI)."""
