"""Patient-experience KPIs: the data contract, the KPI catalog and engine, exports (no UI)."""

import pandas as pd

# Text columns are held as Python strings, not pandas' default Arrow-backed ones: the engine's
# frames are small and read cell by cell (tiles, verdicts, charts, tables), where Arrow's
# per-call overhead took a quarter of the server's CPU under ten sessions at once (README,
# Performance). Same "str" dtype, same missing values.
pd.set_option("mode.string_storage", "python")
