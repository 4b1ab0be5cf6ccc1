"""The board pack: one self-contained HTML file of the filter's KPIs, charts and drivers."""
