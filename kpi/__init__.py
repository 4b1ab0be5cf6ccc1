"""Patient-experience KPIs: the data contract, the KPI catalog and engine, exports (no UI)."""
